import { writeAggregates, writePeerPercentiles } from "../../db/queries/aggregates";
import { coursesAndTrainersOf } from "../../db/queries/learner-analytics";
import { settleParents } from "../../db/queries/nightly-runs";
import { changedLearnersOf, findRun, finishRun } from "../../db/queries/runs";
import { deleteRunSnapshots } from "../../db/queries/snapshots";
import { bumpVersions, type CacheSubject } from "../cache-versions";
import type { JobContext } from "../context";
import type { RunStepMessage } from "../messages";
import { runOnce } from "../step-runner";

/** Layer 3 (aggregates, no personal identifiers) is kept for 7 years. */
const AGGREGATE_YEARS = 7;

/**
 * Last step of a run: the organisation's aggregates (set-based SQL), peer percentiles, and the
 * cache invalidation of exactly the subjects whose analytics changed; the run's raw snapshots are
 * deleted (only its analytics are kept). Then the run is complete,
 * and so is its nightly run if it was the last of it to end (see `settleParents`).
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

    const changed = new Set([...(await changedLearnersOf(ctx.db, runId)), ...percentileChanged]);
    const related = await coursesAndTrainersOf(ctx.db, [...changed]);
    const subjects: CacheSubject[] = [
      ...[...changed].map((id) => ({ kind: "learner" as const, id })),
      ...[...new Set(related.map((r) => r.courseId))].map((id) => ({ kind: "course" as const, id })),
      ...[...new Set(related.flatMap((r) => (r.trainerId ? [r.trainerId] : [])))].map((id) => ({ kind: "trainer" as const, id })),
      ...(changed.size > 0 ? [{ kind: "organization" as const, id: organizationId }] : []),
    ];
    await bumpVersions(ctx.redis, subjects);
    // Layer 2 keeps what the answers need, the learner analytics: the raw payloads go with the run.
    const snapshotsDeleted = await deleteRunSnapshots(ctx.db, runId);
    await finishRun(ctx.db, runId, "completed");
    return { groups, changedLearners: changed.size, invalidated: subjects.length, snapshotsDeleted };
  });

  // A nightly run settles when its last organisation run ends (also when this is a redelivery).
  await settleParents(ctx.db, [run.parentRunId]);
}
