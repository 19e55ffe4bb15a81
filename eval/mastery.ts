import { type BktParams, bktTrace, DEFAULT_BKT_PARAMS } from "../jobs/math/bkt";
import { type FitBktOptions, fitBkt } from "../jobs/math/bkt-fit";
import { rmse, rocAuc } from "../jobs/math/metrics";
import { readCsv } from "./csv";

/** Responses per skill, per student, in file order (the data's time order). */
function sequencesBySkill(url: URL): Map<string, boolean[][]> {
  const bySkill = new Map<string, Map<string, boolean[]>>();
  for (const row of readCsv(url)) {
    const students = bySkill.get(row.skill_name!) ?? new Map<string, boolean[]>();
    bySkill.set(row.skill_name!, students);
    const sequence = students.get(row.user_id!) ?? [];
    students.set(row.user_id!, sequence);
    sequence.push(row.correct === "1");
  }
  return new Map([...bySkill].map(([skill, students]) => [skill, [...students.values()]]));
}

export interface MasteryResult {
  auc: number;
  rmse: number;
  skills: number;
  unseenSkills: number;
  testResponses: number;
}

/**
 * ASSISTments protocol: fit BKT per skill on train.csv; predict every test.csv response from the
 * same student's earlier responses on the skill; AUC and RMSE over all test responses. Skills
 * absent from training use parameters fitted on all training sequences pooled.
 */
export function evaluateMastery(dataDir: URL, options: FitBktOptions): MasteryResult {
  const train = sequencesBySkill(new URL("train.csv", dataDir));
  const test = sequencesBySkill(new URL("test.csv", dataDir));
  const fitted = new Map<string, BktParams>([...train].map(([skill, sequences]) => [skill, fitBkt(sequences, options).params]));
  const pooled = train.size ? fitBkt([...train.values()].flat(), options).params : DEFAULT_BKT_PARAMS;
  const predictions: number[] = [];
  const outcomes: boolean[] = [];
  let unseenSkills = 0;
  for (const [skill, sequences] of test) {
    const params = fitted.get(skill) ?? pooled;
    if (!fitted.has(skill)) unseenSkills++;
    for (const sequence of sequences) {
      predictions.push(...bktTrace(params, sequence).predictions);
      outcomes.push(...sequence);
    }
  }
  return {
    auc: rocAuc(outcomes, predictions),
    rmse: rmse(predictions, outcomes),
    skills: fitted.size,
    unseenSkills,
    testResponses: outcomes.length,
  };
}
