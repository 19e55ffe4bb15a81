import { fixBatches } from "../../db/queries/run-batches";
import { findRun, isFinished, startRun } from "../../db/queries/runs";
import type { JobContext } from "../context";
import { fanOut } from "../fan-out";
import type { RunStepMessage } from "../messages";
import { runOnce } from "../step-runner";

/**
 * First step of a run: fixes which learners each batch covers (stored, so every later step of a
 * batch reads the same learners whatever happens to the roster meanwhile), then fans out the
 * collect steps. Work per later step is bounded by PIPELINE_BATCH_SIZE, so a run's work grows
 * linearly with its learners and no invocation's with the organisation.
 */
export async function plan(ctx: JobContext, { runId }: RunStepMessage): Promise<void> {
  const run = await findRun(ctx.db, runId);
  if (!run || isFinished(run)) return;
  await runOnce(ctx, runId, "plan", 0, async () => {
    const { learners, batches } = await fixBatches(ctx.db, run, ctx.env.PIPELINE_BATCH_SIZE);
    const batchCount = Math.max(1, batches);
    await startRun(ctx.db, runId, batchCount);
    return { learners, batchCount };
  });
  // A run that is not running now (expired as stuck while this message was late, or already
  // finished) fans out to nothing.
  const started = await findRun(ctx.db, runId);
  if (started?.status !== "running" || started.batchCount === null) return;
  await fanOut(ctx, started, "collect");
}
