import { type BktParams, bktTrace, canReachMastery } from "../jobs/math/bkt";
import { fitBkt, NIGHTLY_FIT_OPTIONS } from "../jobs/math/bkt-fit";
import { LEARNER_TRACE_DEFAULTS, type LearnerTraceSettings, type TracedAnswer, traceLearner } from "../jobs/math/learner-trace";
import { rmse, rocAuc } from "../jobs/math/metrics";
import { readCsv } from "./csv";

/** Each student's answers in file order (the data's time order), all skills interleaved as given. */
export function readStudents(url: URL): TracedAnswer[][] {
  const students = new Map<string, TracedAnswer[]>();
  for (const row of readCsv(url)) {
    const answers = students.get(row.user_id ?? "") ?? [];
    students.set(row.user_id ?? "", answers);
    answers.push({ skillId: row.skill_name ?? "", correct: row.correct === "1" });
  }
  return [...students.values()];
}

/** Per skill, each student's answers to it in order: what the nightly fit's answer patterns hold. */
function sequencesBySkill(students: readonly TracedAnswer[][]): Map<string, boolean[][]> {
  const bySkill = new Map<string, boolean[][]>();
  for (const answers of students) {
    const own = new Map<string, boolean[]>();
    for (const { skillId, correct } of answers) {
      const sequence = own.get(skillId) ?? [];
      own.set(skillId, sequence);
      sequence.push(correct);
    }
    for (const [skillId, sequence] of own) {
      const sequences = bySkill.get(skillId) ?? [];
      bySkill.set(skillId, sequences);
      sequences.push(sequence);
    }
  }
  return bySkill;
}

export interface SkillFits {
  paramsOf: (skillId: string) => BktParams;
  fitted: Map<string, BktParams>;
  /** Milliseconds per skill fit, in skill order. */
  fitMs: number[];
}

/**
 * Per-skill fits exactly as the nightly step runs them (`NIGHTLY_FIT_OPTIONS`); a skill absent
 * from training gets the parameters fitted on all training sequences pooled.
 */
export function fitSkills(students: readonly TracedAnswer[][], forgetting: boolean): SkillFits {
  const bySkill = sequencesBySkill(students);
  const fitMs: number[] = [];
  const fitted = new Map<string, BktParams>();
  for (const [skillId, sequences] of bySkill) {
    const started = performance.now();
    fitted.set(skillId, fitBkt(sequences, { ...NIGHTLY_FIT_OPTIONS, forgetting }).params);
    fitMs.push(performance.now() - started);
  }
  const pooled = fitBkt([...bySkill.values()].flat(), { ...NIGHTLY_FIT_OPTIONS, forgetting }).params;
  return { paramsOf: (skillId) => fitted.get(skillId) ?? pooled, fitted, fitMs };
}

export interface Scores {
  auc: number;
  rmse: number;
  /** Mean log-likelihood per response (the criterion the settings are selected by). */
  logLikelihood: number;
}

function score(predictions: readonly number[], outcomes: readonly boolean[]): Scores {
  const logLikelihood = outcomes.reduce((sum, y, i) => sum + Math.log(y ? (predictions[i] ?? 0) : 1 - (predictions[i] ?? 0)), 0);
  return { auc: rocAuc(outcomes, predictions), rmse: rmse(predictions, outcomes), logLikelihood: logLikelihood / outcomes.length };
}

/** Per-skill BKT: each response predicted from the same student's earlier responses to the skill only. */
export function scoreBkt(students: readonly TracedAnswer[][], fits: SkillFits): Scores {
  const predictions: number[] = [];
  const outcomes: boolean[] = [];
  for (const [skillId, sequences] of sequencesBySkill(students)) {
    for (const sequence of sequences) {
      predictions.push(...bktTrace(fits.paramsOf(skillId), sequence).predictions);
      outcomes.push(...sequence);
    }
  }
  return score(predictions, outcomes);
}

/** The pipeline's model: each response predicted from all the same student's earlier responses. */
export function scoreLearnerTrace(students: readonly TracedAnswer[][], fits: SkillFits, settings: LearnerTraceSettings): Scores {
  const predictions: number[] = [];
  const outcomes: boolean[] = [];
  for (const answers of students) {
    predictions.push(...traceLearner(answers, fits.paramsOf, settings).predictions);
    outcomes.push(...answers.map((a) => a.correct));
  }
  return score(predictions, outcomes);
}

export interface MasteryResult {
  standard: Scores;
  forgetting: Scores;
  learner: Scores;
  skills: number;
  unseenSkills: number;
  /** Fitted skills (BKT with forgetting) whose parameters never let a learner reach the mastery threshold. */
  unreachableSkills: number;
  testResponses: number;
  /** Fit time per skill of the nightly fit (BKT with forgetting), milliseconds. */
  fitMs: { median: number; p90: number; max: number; total: number };
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/**
 * ASSISTments protocol (../shared/data/README.md): fit per skill on train.csv, predict every
 * test.csv response from the same student's earlier responses, AUC and RMSE over all test
 * responses: standard BKT and BKT with forgetting (earlier responses to the same skill), and the
 * pipeline's learner trace (all the student's earlier responses, the same per-skill fits).
 */
export function evaluateMastery(dataDir: URL, settings: LearnerTraceSettings = LEARNER_TRACE_DEFAULTS): MasteryResult {
  const train = readStudents(new URL("train.csv", dataDir));
  const test = readStudents(new URL("test.csv", dataDir));
  const standardFits = fitSkills(train, false);
  const forgettingFits = fitSkills(train, true);
  const testSkills = new Set(test.flatMap((answers) => answers.map((a) => a.skillId)));
  const times = [...forgettingFits.fitMs].sort((a, b) => a - b);
  return {
    standard: scoreBkt(test, standardFits),
    forgetting: scoreBkt(test, forgettingFits),
    learner: scoreLearnerTrace(test, forgettingFits, settings),
    skills: forgettingFits.fitted.size,
    unseenSkills: [...testSkills].filter((skillId) => !forgettingFits.fitted.has(skillId)).length,
    unreachableSkills: [...forgettingFits.fitted.values()].filter((params) => !canReachMastery(params)).length,
    testResponses: test.reduce((sum, answers) => sum + answers.length, 0),
    fitMs: { median: quantile(times, 0.5), p90: quantile(times, 0.9), max: times.at(-1) ?? 0, total: times.reduce((a, b) => a + b, 0) },
  };
}
