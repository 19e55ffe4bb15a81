import type { Redis } from "@upstash/redis/cloudflare";
import { log } from "../../core/logger";

const key = (service: string) => `circuit:${service}`;

export interface BreakerSettings {
  failureThreshold: number;
  openSeconds: number;
}

/** What Redis keeps per service: the consecutive failures so far, and until when calls are skipped. */
interface BreakerState {
  failures: number;
  /** Epoch ms; 0 when the circuit was never opened since the last success. */
  openUntil: number;
}

const CLOSED: BreakerState = { failures: 0, openUntil: 0 };

/**
 * A circuit breaker per upstream service. It counts consecutive failures in the order calls
 * finish, across calls and across steps: a success sets the count back to 0, and the count
 * reaching `failureThreshold` opens the circuit for `openSeconds`, during which calls are
 * skipped. After that one trial call decides: its success closes the circuit, its failure opens
 * it again (the count is still at the threshold); calls made while the trial is out wait for it.
 *
 * The state lives in Redis so every isolate sees it; a step reads it once at its start (`load`),
 * keeps it in memory while its calls finish, and writes what changed at its end (`save`). Steps
 * running side by side each write their own view, so the last to finish wins: a count may lose
 * the other step's calls, never invent failures. Redis away: every call is made (fail open).
 */
export class CircuitBreakers {
  private readonly changed = new Set<string>();
  private readonly trials = new Map<string, Promise<boolean>>();
  private readonly settle = new Map<string, (passed: boolean) => void>();

  private constructor(
    private readonly redis: Redis,
    private readonly settings: BreakerSettings,
    private readonly now: Date,
    private readonly states: Map<string, BreakerState>,
    /** False when the state could not be read: then it is not written either, over what others saved. */
    private readonly loaded: boolean,
  ) {}

  /** Reads the services' states in one round trip; `now` is the step's clock. */
  static async load(redis: Redis, settings: BreakerSettings, services: readonly string[], now: Date): Promise<CircuitBreakers> {
    try {
      const stored = services.length ? await redis.mget<(BreakerState | null)[]>(...services.map(key)) : [];
      const states = new Map(services.map((service, i) => [service, stored[i] ?? CLOSED]));
      return new CircuitBreakers(redis, settings, now, states, true);
    } catch (error) {
      log("warn", "circuit breaker state unavailable; calling every source", {
        error: error instanceof Error ? error.message : String(error),
      });
      return new CircuitBreakers(redis, settings, now, new Map(), false);
    }
  }

  private state(service: string): BreakerState {
    return this.states.get(service) ?? CLOSED;
  }

  /** Whether the circuit is open now (calls are skipped). */
  isOpen(service: string): boolean {
    return this.state(service).openUntil > this.now.getTime();
  }

  /**
   * Whether a call to `service` may be made now. Closed: yes. Open: no. Open period over (the count
   * still at the threshold): the first caller makes the trial, the others wait for its outcome.
   */
  async admit(service: string): Promise<boolean> {
    if (this.isOpen(service)) return false;
    if (this.state(service).failures < this.settings.failureThreshold) return true;
    const trial = this.trials.get(service);
    if (trial) return (await trial) && !this.isOpen(service);
    this.trials.set(service, new Promise((resolve) => this.settle.set(service, resolve)));
    return true;
  }

  /** Counts one finished call, in the order calls finish. */
  record(service: string, ok: boolean): void {
    const failures = ok ? 0 : this.state(service).failures + 1;
    const opens = failures >= this.settings.failureThreshold;
    this.states.set(service, { failures, openUntil: opens ? this.now.getTime() + this.settings.openSeconds * 1000 : 0 });
    this.changed.add(service);
    const settle = this.settle.get(service);
    if (settle) {
      this.settle.delete(service);
      this.trials.delete(service);
      settle(ok);
    }
  }

  /** Writes the states this step changed, in one round trip. */
  async save(): Promise<void> {
    if (!this.loaded || this.changed.size === 0) return;
    try {
      const writes = this.redis.pipeline();
      for (const service of this.changed) {
        const state = this.state(service);
        if (state.failures === 0) writes.del(key(service));
        // The entry outlives the open period, so the trial after it still finds the count.
        else writes.set(key(service), state, { ex: this.settings.openSeconds * 2 });
      }
      await writes.exec();
    } catch (error) {
      log("warn", "circuit breaker state not saved", { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
