import type { Redis } from "@upstash/redis/cloudflare";
import { log } from "../../core/logger";

const key = (service: string) => `circuit:${service}`;

export interface BreakerSettings {
  failureThreshold: number;
  openSeconds: number;
}

/**
 * A circuit breaker per upstream service whose state lives in Redis, so every isolate sees the
 * same state: after `failureThreshold` consecutive failures the circuit opens for `openSeconds`
 * (calls are skipped); the first call after that is a trial, and one more failure opens it again.
 */
export class CircuitBreakers {
  constructor(
    private readonly redis: Redis,
    private readonly settings: BreakerSettings,
  ) {}

  /** Services whose circuit is open now. One round trip; if Redis is away, none (fail open). */
  async open(services: readonly string[], now: Date): Promise<Set<string>> {
    try {
      const states = await this.redis.mget<({ failures: number; openUntil: number } | null)[]>(...services.map(key));
      return new Set(services.filter((_, i) => (states[i]?.openUntil ?? 0) > now.getTime()));
    } catch (error) {
      log("warn", "circuit breaker state unavailable; calling every source", {
        error: error instanceof Error ? error.message : String(error),
      });
      return new Set();
    }
  }

  /** Records the outcome of each service's calls in one round trip. */
  async record(outcomes: Map<string, { failures: number; successes: number }>, now: Date): Promise<void> {
    const services = [...outcomes.keys()];
    if (services.length === 0) return;
    try {
      const states = await this.redis.mget<({ failures: number; openUntil: number } | null)[]>(...services.map(key));
      const writes = this.redis.pipeline();
      services.forEach((service, i) => {
        const { failures, successes } = outcomes.get(service)!;
        if (successes > 0 && failures === 0) {
          writes.del(key(service));
          return;
        }
        if (failures === 0) return;
        const total = (successes > 0 ? 0 : (states[i]?.failures ?? 0)) + failures;
        const openUntil = total >= this.settings.failureThreshold ? now.getTime() + this.settings.openSeconds * 1000 : 0;
        // The entry outlives the open period a little, so a trial failure still finds the count.
        writes.set(key(service), { failures: total, openUntil }, { ex: this.settings.openSeconds * 2 });
      });
      await writes.exec();
    } catch (error) {
      log("warn", "circuit breaker state not saved", { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
