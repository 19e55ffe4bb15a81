import { sha256Hex } from "../../core/codecs/digest";
import { DAY_MS } from "../../core/domain/time";
import { cohortContextOf } from "../../db/queries/cohort-context";
import { previousHashes, upsertLearnerAnalytics } from "../../db/queries/learner-analytics";
import { batchLearners } from "../../db/queries/run-batches";
import { completedSteps, findRun, isFinished } from "../../db/queries/runs";
import { skillModelsOf } from "../../db/queries/skill-models";
import { learnerSubject, snapshotsOf } from "../../db/queries/snapshots";
import { gatherEvidence, type LearnerSnapshots } from "../analyze/evidence";
import { learnerMetrics } from "../analyze/learner-metrics";
import type { ServicePayload } from "../collect/contracts";
import type { JobContext } from "../context";
import { runFlow } from "../fan-out";
import type { RunStepMessage } from "../messages";
import { dedupId } from "../publisher";
import { runOnce } from "../step-runner";
import { PERSONAL_DATA_DAYS } from "./collect";

/** The courses the snapshots' learners are enrolled in (courseBuilder), each once. */
function enrolledCourses(snapshots: { service: string; payload: unknown }[]): string[] {
  const courses = new Set<string>();
  for (const { service, payload } of snapshots) {
    if (service !== "courseBuilder") continue;
    for (const enrolment of (payload as ServicePayload<"courseBuilder">).data.enrolments) courses.add(enrolment.courseId);
  }
  return [...courses];
}

/**
 * Computes the analytics of the batch's learners from the run's snapshots and their courses'
 * cohort context (pure functions in jobs/math) and stores them as layer 2. Which learners' figures changed since their last
 * run is recorded, so the aggregate step invalidates exactly their cache entries.
 */
export async function analyze(ctx: JobContext, { runId, batch }: RunStepMessage): Promise<void> {
  const run = await findRun(ctx.db, runId);
  if (!run || isFinished(run)) return;
  await runOnce(ctx, runId, "analyze", batch, async () => {
    const learners = await batchLearners(ctx.db, runId, batch);
    const [snapshots, models, previous] = await Promise.all([
      snapshotsOf(ctx.db, runId, learners),
      skillModelsOf(ctx.db, run.organizationId!),
      previousHashes(ctx.db, runId, learners),
    ]);
    // The latest cohort figures of the batch's courses: this night's (the fit step refreshed them),
    // or for a run between nights, the last night's.
    const cohorts = await cohortContextOf(ctx.db, run.organizationId!, enrolledCourses(snapshots));
    const expiresAt = new Date(ctx.now.getTime() + PERSONAL_DATA_DAYS * DAY_MS);
    const rows = await Promise.all(
      learners.map(async (userId) => {
        const own = Object.fromEntries(
          snapshots.filter((s) => s.subject === learnerSubject(userId)).map((s) => [s.service, s.payload]),
        ) as LearnerSnapshots;
        const metrics = learnerMetrics(gatherEvidence(userId, own), models, ctx.now, cohorts);
        // The window moves with the clock; only the figures decide whether anything changed.
        const { window: _window, ...figures } = metrics;
        return {
          runId,
          organizationId: run.organizationId!,
          userId,
          metrics,
          metricsHash: await sha256Hex(JSON.stringify(figures)),
          expiresAt,
        };
      }),
    );
    await upsertLearnerAnalytics(ctx.db, rows);
    return {
      learners: learners.length,
      changedLearners: rows.filter((row) => previous.get(row.userId) !== row.metricsHash).map((row) => row.userId),
    };
  });
  if ((await completedSteps(ctx.db, runId, "analyze")) >= (run.batchCount ?? 1)) {
    await ctx.publisher.publish(
      "aggregate",
      { runId, batch: 0 },
      { deduplicationId: dedupId(runId, "aggregate", 0), ...runFlow(ctx.env, run) },
    );
  }
}
