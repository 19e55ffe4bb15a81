import type { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "../core/env";
import type { Database } from "../db/client";
import type { Publisher } from "./publisher";

/** What a job step may use: passed in, so tests can run a step with a fixed clock. */
export interface JobContext {
  env: Env;
  db: Database;
  redis: Redis;
  publisher: Publisher;
  /** The step's clock: every date a step computes derives from this. */
  now: Date;
  requestId: string;
  /** Upstream calls go through this (the Worker's fetch). */
  fetch: typeof fetch;
}
