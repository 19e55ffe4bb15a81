import { log } from "../../core/logger";
import { settleParents } from "../../db/queries/nightly-runs";
import { applyRetention } from "../../db/queries/retention";
import { expireStuckRuns } from "../../db/queries/runs";
import type { JobContext } from "../context";
import type { ScheduledMessage } from "../messages";
import { dedupId } from "../publisher";
import { stuckLimits } from "../stuck-limits";

/** Rows each rule (and the stuck-run sweep) may change per round: small enough for one step, big enough to keep up. */
export const CLEANUP_BATCH = 1_000;

/** The clean-up's deduplication id: one per cron firing and round, so a redelivery queues no second round. */
export const cleanupDedupId = (scheduledTime: string, round: number) => dedupId("cleanup", scheduledTime.replace(/[^0-9]/g, ""), round);

/**
 * Started by its own cron trigger (functions/cron.ts), whatever became of the nightly run. Sweeps
 * stuck runs of every scope (a lost start or step message; see `expireStuckRuns`) and settles the
 * nightly runs they belonged to, then enforces retention (layer 2 after 7 days, layer 3 after
 * 7 years, spent tokens, old webhook ids and runs). Both in bounded rounds: when either had more to
 * do, the next round is queued.
 */
export async function cleanup(ctx: JobContext, { scheduledTime, round }: ScheduledMessage): Promise<Record<string, number>> {
  const expired = await expireStuckRuns(ctx.db, stuckLimits(ctx.env), CLEANUP_BATCH);
  if (expired.length > 0) {
    const sample = expired.slice(0, 10).map(({ id, parentRunId, error }) => ({ id, parentRunId, error }));
    log("warn", "stuck runs expired by the clean-up", { count: expired.length, runs: sample });
  }
  await settleParents(
    ctx.db,
    expired.map((run) => run.parentRunId),
  );
  const removed = await applyRetention(ctx.db, ctx.now, CLEANUP_BATCH);
  const counts = { stuckRuns: expired.length, ...removed };
  if (Object.values(counts).some((n) => n >= CLEANUP_BATCH)) {
    await ctx.publisher.publish(
      "cleanup",
      { scheduledTime, round: round + 1 },
      { deduplicationId: cleanupDedupId(scheduledTime, round + 1) },
    );
  }
  return counts;
}
