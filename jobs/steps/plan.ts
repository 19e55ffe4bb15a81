import { countLearners, findRun, isFinished, startRun } from "../../db/queries/runs";
import type { JobContext } from "../context";
import type { RunStepMessage } from "../messages";
import { dedupId } from "../publisher";
import { runOnce } from "../step-runner";

/**
 * First step of a run: counts the learners in scope, fixes the number of batches, and fans out
 * one collect step per batch. Work per later step is bounded by PIPELINE_BATCH_SIZE, so a run's
 * work grows linearly with its learners.
 */
export async function plan(ctx: JobContext, { runId }: RunStepMessage): Promise<void> {
  const run = await findRun(ctx.db, runId);
  if (!run || isFinished(run)) return;
  await runOnce(ctx, runId, "plan", 0, async () => {
    const learners = await countLearners(ctx.db, run);
    const batchCount = Math.max(1, Math.ceil(learners / ctx.env.PIPELINE_BATCH_SIZE));
    await startRun(ctx.db, runId, batchCount);
    return { learners, batchCount };
  });
  // A run that is not running now (expired as stuck while this message was late, or already
  // finished) fans out to nothing.
  const started = await findRun(ctx.db, runId);
  if (started?.status !== "running" || started.batchCount === null) return;
  for (let batch = 0; batch < started.batchCount; batch += 1) {
    await ctx.publisher.publish("collect", { runId, batch }, { deduplicationId: dedupId(runId, "collect", batch) });
  }
}
