import { writeAggregates, writePeerPercentiles } from "../../db/queries/aggregates";
import { coursesAndTrainersOf } from "../../db/queries/learner-analytics";
import { findRun, finishRun, stepsOfRun, unfinishedChildren } from "../../db/queries/runs";
import { bumpVersions, type CacheSubject } from "../cache-versions";
import type { JobContext } from "../context";
import type { RunStepMessage } from "../messages";
import { dedupId } from "../publisher";
import { runOnce } from "../step-runner";

/** Layer 3 (aggregates, no personal identifiers) is kept for 7 years. */
const AGGREGATE_YEARS = 7;

/**
 * Last step of a run: the organisation's aggregates (set-based SQL), peer percentiles, and the
 * cache invalidation of exactly the subjects whose analytics changed. Then the run is complete;
 * the last organisation run of a nightly run starts the clean-up.
 */
export async function aggregate(ctx: JobContext, { runId }: RunStepMessage): Promise<void> {
  const run = await findRun(ctx.db, runId);
  if (!run || run.status === "failed") return;
  await runOnce(ctx, runId, "aggregate", 0, async () => {
    const organizationId = run.organizationId!;
    const periodStart = new Date(Date.UTC(ctx.now.getUTCFullYear(), ctx.now.getUTCMonth(), ctx.now.getUTCDate()));
    const expiresAt = new Date(periodStart);
    expiresAt.setUTCFullYear(expiresAt.getUTCFullYear() + AGGREGATE_YEARS);
    const groups = await writeAggregates(ctx.db, organizationId, runId, periodStart, expiresAt);
    const percentileChanged = await writePeerPercentiles(ctx.db, organizationId, runId);

    const analyzed = (await stepsOfRun(ctx.db, runId)).filter((step) => step.step === "analyze");
    const changed = new Set([
      ...analyzed.flatMap((step) => (step.detail?.changedLearners as string[] | undefined) ?? []),
      ...percentileChanged,
    ]);
    const related = await coursesAndTrainersOf(ctx.db, [...changed]);
    const subjects: CacheSubject[] = [
      ...[...changed].map((id) => ({ kind: "learner" as const, id })),
      ...[...new Set(related.map((r) => r.courseId))].map((id) => ({ kind: "course" as const, id })),
      ...[...new Set(related.flatMap((r) => (r.trainerId ? [r.trainerId] : [])))].map((id) => ({ kind: "trainer" as const, id })),
      ...(changed.size > 0 ? [{ kind: "organization" as const, id: organizationId }] : []),
    ];
    await bumpVersions(ctx.redis, subjects);
    await finishRun(ctx.db, runId, "completed");
    return { groups, changedLearners: changed.size, invalidated: subjects.length };
  });

  if (run.parentRunId && (await unfinishedChildren(ctx.db, run.parentRunId)) === 0) {
    await ctx.publisher.publish(
      "cleanup",
      { scheduledTime: ctx.now.toISOString(), round: 0 },
      { deduplicationId: dedupId(run.parentRunId, "cleanup") },
    );
    await finishRun(ctx.db, run.parentRunId, "completed");
  }
}
