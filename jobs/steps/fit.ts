import { completedSteps, findRun, isFinished } from "../../db/queries/runs";
import { responseSequences, upsertSkillModels } from "../../db/queries/skill-models";
import type { JobContext } from "../context";
import { fanOut } from "../fan-out";
import { fitBkt } from "../math";
import type { RunStepMessage } from "../messages";
import { runOnce } from "../step-runner";

/** Below this many answers a fit says little; the skill keeps its previous (or default) parameters. */
export const MIN_RESPONSES_TO_FIT = 100;

/**
 * Nightly only: refits each skill's knowledge-tracing parameters (BKT with forgetting, by EM) on
 * the organisation's answers collected in this run, then fans out the analyze steps.
 */
export async function fit(ctx: JobContext, { runId }: RunStepMessage): Promise<void> {
  const run = await findRun(ctx.db, runId);
  if (!run || isFinished(run)) return;
  if ((await completedSteps(ctx.db, runId, "collect")) < (run.batchCount ?? 1)) return;
  await runOnce(ctx, runId, "fit", 0, async () => {
    const fits = [...(await responseSequences(ctx.db, runId))].flatMap(([skillId, sequences]) => {
      const responses = sequences.reduce((sum, sequence) => sum + sequence.length, 0);
      return responses < MIN_RESPONSES_TO_FIT
        ? []
        : [{ skillId, params: fitBkt(sequences, { restarts: 2, maxIterations: 60 }).params, responses }];
    });
    await upsertSkillModels(ctx.db, run.organizationId!, fits);
    return { skillsFitted: fits.length };
  });
  await fanOut(ctx, run, "analyze");
}
