import type { Clients } from "./clients";

export type DependencyName = "postgres" | "redis";

export interface DependencyCheck {
  status: "up" | "down";
  latencyMs: number;
  /** Why the check failed: a timeout or the driver's error message. Absent when up. */
  error?: string;
}

class DeadlineExceeded extends Error {}

/** Settles with the promise, or rejects once `ms` have passed, whichever comes first. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(probe: () => Promise<unknown>, timeoutMs: number): Promise<DependencyCheck> {
  const started = Date.now();
  try {
    await withDeadline(probe(), timeoutMs);
    return { status: "up", latencyMs: Date.now() - started };
  } catch (error) {
    return { status: "down", latencyMs: Date.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Probes Postgres (a `select 1` through the Neon HTTP driver) and Redis (a `PING` through the
 * Upstash client) concurrently, each bounded by the deadline, so readiness answers in bounded time.
 */
export async function checkDependencies(clients: Clients, timeoutMs: number): Promise<Record<DependencyName, DependencyCheck>> {
  const [postgres, redis] = await Promise.all([
    check(() => clients.db.sql.query("select 1", [], { fetchOptions: { signal: AbortSignal.timeout(timeoutMs) } }), timeoutMs),
    check(() => clients.redis.ping(), timeoutMs),
  ]);
  return { postgres, redis };
}
