import { applyRetention } from "../../db/queries/retention";
import type { JobContext } from "../context";
import type { ScheduledMessage } from "../messages";
import { dedupId } from "../publisher";

/** Rows each rule may delete per round: small enough for one step, big enough to keep up. */
export const CLEANUP_BATCH = 1_000;

/**
 * Enforces retention (layer 2 after 7 days, layer 3 after 7 years, spent tokens, old webhook
 * ids and runs) in bounded rounds: when a rule had more to delete, the next round is queued.
 */
export async function cleanup(ctx: JobContext, { scheduledTime, round }: ScheduledMessage): Promise<Record<string, number>> {
  const removed = await applyRetention(ctx.db, ctx.now, CLEANUP_BATCH);
  if (Object.values(removed).some((n) => n >= CLEANUP_BATCH)) {
    await ctx.publisher.publish(
      "cleanup",
      { scheduledTime, round: round + 1 },
      { deduplicationId: dedupId("cleanup", scheduledTime.replace(/[^0-9]/g, ""), round + 1) },
    );
  }
  return removed;
}
