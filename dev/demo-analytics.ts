import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

/** The nightly run's trigger, as in `wrangler.toml` and `functions/cron.ts`. */
export const NIGHTLY_CRON = "0 2 * * *";

/**
 * Where the local Worker runs a cron trigger by hand: miniflare serves this route under
 * `wrangler dev` (4.x) without any flag (`/__scheduled` needs `--test-scheduled`). The scheduled
 * time is now. `cron=0+2+*+*+*` once encoded.
 */
export function scheduledUrl(workerUrl: string, cron = NIGHTLY_CRON): string {
  const url = new URL("/cdn-cgi/handler/scheduled", workerUrl);
  url.searchParams.set("cron", cron);
  return url.toString();
}

/** A nightly parent run as stored in `pipeline_runs`. */
export interface NightlyRun {
  status: "queued" | "running" | "completed" | "partial" | "failed";
  error: string | null;
  finishedAt: Date | null;
}

/** Reads the latest nightly run created at or after `since`, or undefined when there is none yet. */
export type NightlyRunLookup = (since: Date) => Promise<NightlyRun | undefined>;

export interface DemoAnalyticsOptions {
  workerUrl: string;
  nightlyRun: NightlyRunLookup;
  say: (message: string) => void;
  /** Stops waiting (dev is shutting down). */
  signal?: AbortSignal;
  pollMs?: number;
  /** How long to wait for the Worker to answer at all (wrangler builds it first). */
  workerTimeoutMs?: number;
  /** How long to wait for the nightly run to finish before saying so and leaving it running. */
  runTimeoutMs?: number;
  /** When `npm run dev` started (ms since the epoch), for the time to real figures; default now. */
  startedAt?: number;
}

/** How it went; `seconds` counts from `startedAt`. */
export type DemoAnalyticsOutcome =
  | { outcome: "ready"; seconds: number; earlier: boolean }
  | { outcome: "failed"; seconds: number; error: string | null }
  | { outcome: "still running" | "worker unreachable" | "not started" | "stopped"; seconds: number };

const startOfUtcDay = (time: number) => new Date(Math.floor(time / 86_400_000) * 86_400_000);

/**
 * Computes the demo's analytics once, right after `npm run dev` started the Worker: waits until it
 * is ready, triggers the nightly run through its cron route, then watches the run in Postgres until
 * it finishes, so every demo user sees real figures rather than "pending". The nightly run of a
 * UTC day has a fixed id, so a second start on the same day finds that day's run (already
 * finished when the database was kept) instead of computing everything again. Never throws: the
 * Worker works without it, and each outcome is told in one line.
 */
export async function computeDemoAnalytics(options: DemoAnalyticsOptions): Promise<DemoAnalyticsOutcome> {
  const { workerUrl, nightlyRun, say, signal, pollMs = 500, workerTimeoutMs = 120_000, runTimeoutMs = 300_000 } = options;
  const started = options.startedAt ?? Date.now();
  const seconds = (since = started) => Math.round((Date.now() - since) / 1000);
  const wait = async () => {
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    return !signal?.aborted;
  };

  const waiting = Date.now();
  for (;;) {
    const ready = await fetch(new URL("/api/v1/health/ready", workerUrl), { signal }).catch(() => undefined);
    if (ready?.ok) break;
    // A Worker with invalid configuration never gets ready, and skips every cron trigger.
    const problem = ready && ((await ready.json().catch(() => ({}))) as { type?: unknown; detail?: unknown });
    if (typeof problem?.type === "string" && problem.type.endsWith("/misconfigured")) {
      say(`demo analytics not computed: ${String(problem.detail)}`);
      return { outcome: "not started", seconds: seconds() };
    }
    if (Date.now() - waiting > workerTimeoutMs) {
      say(`demo analytics not computed: the Worker did not answer within ${seconds(waiting)} s`);
      return { outcome: "worker unreachable", seconds: seconds() };
    }
    if (!(await wait())) return { outcome: "stopped", seconds: seconds() };
  }

  const triggered = Date.now();
  const url = scheduledUrl(workerUrl);
  const response = await fetch(url, { signal }).catch((error: unknown) => new Response(String(error), { status: 599 }));
  if (signal?.aborted) return { outcome: "stopped", seconds: seconds() };
  if (!response.ok) {
    say(`demo analytics not computed: ${url} answered ${response.status} ${(await response.text()).slice(0, 200)}`);
    return { outcome: "not started", seconds: seconds() };
  }

  let announced = false;
  for (;;) {
    const run = await nightlyRun(startOfUtcDay(triggered)).catch(() => undefined);
    // Announced once it is known that this start runs it (not when the day's run was already done).
    if (!announced && (run === undefined || run.status === "queued" || run.status === "running")) {
      say(`computing the demo analytics: nightly run started (${url}); demo users see "pending" until it finishes`);
      announced = true;
    }
    if (run?.status === "completed") {
      const finished = run.finishedAt;
      const earlier = finished !== null && finished.getTime() < triggered;
      say(
        finished !== null && earlier
          ? `demo analytics ready: today's nightly run had already finished at ${finished.toISOString()}`
          : `demo analytics ready in ${seconds(triggered)} s (${seconds()} s after the start): every demo user sees real figures`,
      );
      return { outcome: "ready", seconds: seconds(), earlier };
    }
    if (run?.status === "partial" || run?.status === "failed") {
      say(
        `demo analytics: the nightly run ${run.status === "partial" ? "failed for some organisations" : "failed"} (${run.error ?? "no error recorded"}); POST /api/v1/analytics/refresh retries one subject`,
      );
      return { outcome: "failed", seconds: seconds(), error: run.error };
    }
    if (Date.now() - triggered > runTimeoutMs) {
      say(
        run
          ? `demo analytics: the nightly run is still running after ${seconds(triggered)} s; figures appear as it goes`
          : `demo analytics: no nightly run appeared within ${seconds(triggered)} s (see the Worker's log)`,
      );
      return { outcome: "still running", seconds: seconds() };
    }
    if (!(await wait())) return { outcome: "stopped", seconds: seconds() };
  }
}

/**
 * Looks the nightly run up directly in Postgres (a dev tool may; the Worker's runs API does not
 * show the internal nightly run). One connection, closed by `close`.
 */
export function nightlyRunFromPostgres(databaseUrl: string): { lookup: NightlyRunLookup; close: () => Promise<void> } {
  let client: pg.Client | undefined;
  const connect = async () => {
    if (client) return client;
    const fresh = new pg.Client(databaseUrl);
    // A connection lost while dev stops Postgres must not become an uncaught error.
    fresh.on("error", () => {
      client = undefined;
    });
    await fresh.connect();
    client = fresh;
    return fresh;
  };
  return {
    lookup: async (since) => {
      const db = await connect();
      const { rows } = await db.query<{ status: NightlyRun["status"]; error: string | null; finished_at: Date | null }>(
        "select status, error, finished_at from pipeline_runs where scope = 'nightly' and created_at >= $1 order by created_at desc limit 1",
        [since],
      );
      const row = rows[0];
      return row && { status: row.status, error: row.error, finishedAt: row.finished_at };
    },
    close: async () => {
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
