import type { BktParams } from "../../core/domain/mastery";
import { refreshCohortContext } from "../../db/queries/cohort-context";
import { completedSteps, findRun, isFinished } from "../../db/queries/runs";
import { answerPatternsBySkill, upsertSkillModels } from "../../db/queries/skill-models";
import type { JobContext } from "../context";
import { fanOut } from "../fan-out";
import { fitBkt, NIGHTLY_FIT_OPTIONS } from "../math";
import type { RunStepMessage } from "../messages";
import { runOnce } from "../step-runner";

/** Below this many answers a fit says little; the skill keeps its previous (or default) parameters. */
export const MIN_RESPONSES_TO_FIT = 100;
/**
 * Answer patterns read per database round trip. A row is at most a skill id, 50 answers and a
 * count (~150 bytes as JSON), so a page stays under 3 MB, well inside Neon's 10 MiB response limit;
 * memory holds one page and one skill's patterns.
 */
const PATTERN_PAGE_ROWS = 20_000;

/**
 * Nightly only: refits each skill's knowledge-tracing parameters (BKT with forgetting, by EM) on
 * the organisation's answers collected in this run, then fans out the analyze steps. The answers
 * arrive as their sufficient statistics (distinct answer patterns per skill with their counts, in
 * pages), so neither a response nor the memory grows with the number of learners answering alike.
 */
export async function fit(ctx: JobContext, { runId }: RunStepMessage): Promise<void> {
  const run = await findRun(ctx.db, runId);
  if (!run || isFinished(run)) return;
  if ((await completedSteps(ctx.db, runId, "collect")) < (run.batchCount ?? 1)) return;
  await runOnce(ctx, runId, "fit", 0, async () => {
    // Every collect batch is in: the cohort figures the analyze steps read come from this night's snapshots.
    await refreshCohortContext(ctx.db, run.organizationId!, runId);
    const fits: { skillId: string; params: BktParams; responses: number }[] = [];
    for await (const { skill, patterns } of answerPatternsBySkill(ctx.db, runId, PATTERN_PAGE_ROWS)) {
      const responses = patterns.reduce((sum, { pattern, learners }) => sum + pattern.length * learners, 0);
      if (responses < MIN_RESPONSES_TO_FIT) continue;
      const sequences = patterns.map(({ pattern, learners }) => ({
        answers: [...pattern].map((answer) => answer === "1"),
        weight: learners,
      }));
      fits.push({ skillId: skill, params: fitBkt(sequences, NIGHTLY_FIT_OPTIONS).params, responses });
    }
    await upsertSkillModels(ctx.db, run.organizationId!, fits);
    return { skillsFitted: fits.length };
  });
  await fanOut(ctx, run, "analyze");
}
