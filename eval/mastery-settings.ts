import { LEARNER_TRACE_DEFAULTS, type LearnerTraceSettings } from "../jobs/math/learner-trace";
import { fitSkills, readStudents, type Scores, scoreLearnerTrace } from "./mastery";

/**
 * `npx tsx eval/mastery-settings.ts`: selects the learner trace's global settings (ability weight
 * β, prior precision τ, memory λ) on ASSISTments train.csv alone, by 2-fold cross-fitting over
 * students: the skills are fitted on one half as the nightly fit would, each candidate scored on the
 * other half's responses, and the candidate with the best mean held-out log-likelihood wins. Prints
 * every candidate; test.csv is not read. The winner is `LEARNER_TRACE_DEFAULTS`.
 */

const DATA = new URL("../../shared/data/assistments-2009-builder/", import.meta.url);
const GRID = { abilityWeight: [1, 1.5, 2], abilityPrecision: [1, 3, 10], abilityMemory: [1, 0.99, 0.98, 0.97] };

const students = readStudents(new URL("train.csv", DATA));
const halves = [students.filter((_, i) => i % 2 === 0), students.filter((_, i) => i % 2 === 1)] as const;
const fits = [fitSkills(halves[0], true), fitSkills(halves[1], true)] as const;

const mean = (a: Scores, b: Scores) => ({ auc: (a.auc + b.auc) / 2, logLikelihood: (a.logLikelihood + b.logLikelihood) / 2 });
const candidates = GRID.abilityWeight.flatMap((abilityWeight) =>
  GRID.abilityPrecision.flatMap((abilityPrecision) =>
    GRID.abilityMemory.map(
      (abilityMemory): LearnerTraceSettings => ({ ...LEARNER_TRACE_DEFAULTS, abilityWeight, abilityPrecision, abilityMemory }),
    ),
  ),
);
const results = [
  {
    settings: { ...LEARNER_TRACE_DEFAULTS, abilityWeight: 0 },
    ...mean(
      scoreLearnerTrace(halves[1], fits[0], { ...LEARNER_TRACE_DEFAULTS, abilityWeight: 0 }),
      scoreLearnerTrace(halves[0], fits[1], { ...LEARNER_TRACE_DEFAULTS, abilityWeight: 0 }),
    ),
  },
  ...candidates.map((settings) => ({
    settings,
    ...mean(scoreLearnerTrace(halves[1], fits[0], settings), scoreLearnerTrace(halves[0], fits[1], settings)),
  })),
];
for (const r of results) {
  const { abilityWeight: b, abilityPrecision: t, abilityMemory: l } = r.settings;
  console.log(`β ${b}  τ ${t}  λ ${l}   held-out log-likelihood ${r.logLikelihood.toFixed(5)}  AUC ${r.auc.toFixed(5)}`);
}
const best = results.reduce((a, b) => (b.logLikelihood > a.logLikelihood ? b : a));
console.log(`best: ${JSON.stringify(best.settings)}`);
