import type { Env } from "../functions/env";

/** A job started by a cron trigger of `wrangler.toml`. */
export type CronJob = (env: Env, scheduledTime: Date) => Promise<void>;

/**
 * Cron expression, written exactly as in `wrangler.toml` `[triggers] crons` → the job it starts.
 * The Worker's `scheduled` handler looks the firing trigger up here and logs any it does not know.
 */
export const cronJobs: Record<string, CronJob> = {};
