import { ownEntry } from "../core/codecs/own";
import type { Env } from "../core/env";
import { dedupId } from "../jobs/publisher";
import { cleanupDedupId } from "../jobs/steps/cleanup";
import { getClients } from "./services/clients";
import { mirrorRevocations } from "./services/revocation";

/** A job started by a cron trigger of `wrangler.toml`. */
export type CronJob = (env: Env, scheduledTime: Date) => Promise<void>;

/**
 * Cron expression, written exactly as in `wrangler.toml` `[triggers] crons` → the job it starts.
 * The Worker's `scheduled` handler looks the firing trigger up here and logs any it does not know.
 */
export const cronJobs: Record<string, CronJob> = {
  // 02:00 UTC: the nightly run, started through QStash so that its start is signed and retried.
  "0 2 * * *": (env, scheduledTime) =>
    getClients(env).publisher.publish(
      "nightly",
      { scheduledTime: scheduledTime.toISOString(), round: 0 },
      { deduplicationId: dedupId("nightly", scheduledTime.toISOString().slice(0, 10)) },
    ),
  // Hourly, at a quarter past (clear of the nightly's start and the revocation mirror's minute): the
  // clean-up. On its own schedule, so retention and the stuck-run sweep never depend on a nightly run
  // finishing; hourly, so a run whose messages were lost (and a nightly run waiting on it) ends
  // within about an hour of being found stuck, even when nobody asks for its scope again, and each
  // firing has only an hour's expiries to delete.
  "15 * * * *": (env, scheduledTime) =>
    getClients(env).publisher.publish(
      "cleanup",
      { scheduledTime: scheduledTime.toISOString(), round: 0 },
      { deduplicationId: cleanupDedupId(scheduledTime.toISOString(), 0) },
    ),
  // Every minute: revocations recorded while Redis was unreachable (or lost by it) are copied back.
  "* * * * *": async (env, scheduledTime) => {
    await mirrorRevocations(getClients(env), scheduledTime);
  },
};

/** The job registered for a cron expression; only `cronJobs`' own entries (never `constructor` & co.). */
export const cronJob = (cron: string): CronJob | undefined => ownEntry(cronJobs, cron);
