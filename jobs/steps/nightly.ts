import { sha256Hex, uuidFromHex } from "../../core/codecs/digest";
import { queueNightlyPage, settleParents } from "../../db/queries/nightly-runs";
import { findRun, isFinished, queueRun, startRun } from "../../db/queries/runs";
import type { JobContext } from "../context";
import { runFlow } from "../fan-out";
import type { ScheduledMessage } from "../messages";
import { dedupId, MAX_BATCH_MESSAGES, type OutgoingMessage } from "../publisher";
import { runOnce } from "../step-runner";

/** The nightly run of a day has a fixed id, so a redelivered start message finds the same run. */
const nightlyRunId = async (day: string) => uuidFromHex(await sha256Hex(`nightly:${day}`));

/** Organisations per nightly page: their plan messages and the next page's message fill one batch publish. */
export const NIGHTLY_PAGE_SIZE = MAX_BATCH_MESSAGES - 1;

/**
 * One page of the nightly run: queues an organisation run for each of the next NIGHTLY_PAGE_SIZE
 * organisations (adopting one an admin already queued, see `queueNightlyPage`) and publishes their
 * plan steps and, while organisations remain, the next page, in one batch publish: one QStash
 * request and three database requests per page, however many organisations there are.
 *
 * The nightly run stays `queued` while its pages are queued, so it cannot settle early, when the
 * organisation runs of the first pages have all finished before the last page. The last page
 * starts it, then settles it if its organisation runs are already done (or there are none).
 * Every organisation run settles it as it ends (aggregate, failure callback, stuck-run expiry).
 * Retention is not the nightly's business: the clean-up runs on its own schedule.
 *
 * Idempotent: a redelivered page queues nothing new (the runs are found again) and republishes the
 * same deduplication ids (plan per run, the next page per cursor).
 */
export async function nightly(ctx: JobContext, { scheduledTime, round, after }: ScheduledMessage): Promise<Record<string, number>> {
  const day = scheduledTime.slice(0, 10);
  const { id: parentRunId } = await queueRun(ctx.db, {
    id: await nightlyRunId(day),
    scope: "nightly",
    scopeId: null,
    organizationId: null,
  });
  const parent = await findRun(ctx.db, parentRunId);
  if (!parent || isFinished(parent)) return {};

  const page = await queueNightlyPage(ctx.db, parentRunId, after, NIGHTLY_PAGE_SIZE);
  const summary = { organizations: page.organizationIds.length, runs: page.children.length, adopted: page.adopted };
  // The page as a step of the nightly run: its progress while it queues, which the stuck-run sweep reads.
  await runOnce(ctx, parentRunId, "nightly", round, async () => summary);

  // Only runs that have not started need their plan: an adopted run's plan, already published with
  // the request's debounce, has the same deduplication id, so QStash keeps the first (see `requestRun`).
  const messages: OutgoingMessage[] = page.children
    .filter((run) => run.status === "queued")
    .map((run) => ({
      step: "plan",
      body: { runId: run.id, batch: 0 },
      options: { deduplicationId: dedupId(run.id, "plan", 0), ...runFlow(ctx.env, run) },
    }));
  const last = page.organizationIds.at(-1);
  if (page.more && last) {
    messages.push({
      step: "nightly",
      body: { scheduledTime, round: round + 1, after: last },
      options: { deduplicationId: dedupId("nightly", day, "after", last) },
    });
  }
  await ctx.publisher.publishBatch(messages);

  if (!page.more) {
    await startRun(ctx.db, parentRunId, page.total);
    await settleParents(ctx.db, [parentRunId]);
  }
  return summary;
}
