import { type AtRiskModel, fitAtRisk, predictAtRisk } from "../jobs/math/at-risk";
import { atRiskFeatures, withCohortScores } from "../jobs/math/at-risk-features";
import { brierScore, expectedCalibrationError, rocAuc } from "../jobs/math/metrics";
import { loadOulad, type OuladStudent } from "./oulad";

/** Snapshot days the default model has a stage for (about every month of a 9-month course). */
const STAGE_DAYS = [30, 60, 90, 120, 150, 180, 210, 240];
/** Cut-offs the protocol reports. */
export const REPORT_DAYS = [60, 120] as const;
export type ReportDay = (typeof REPORT_DAYS)[number];

export interface AtRiskResult {
  auc: number;
  brier: number;
  ece: number;
  baselineAuc: number;
}

/**
 * Fail rate of each module in the earlier offering. Only 2013J precedes 2014J in this subset, and
 * nothing precedes 2013J, so the training rows use their own offering's rate: a course-level
 * quantity (6 values), not a learner's label.
 */
function failRates(students: readonly OuladStudent[]): Map<string, number> {
  const counts = new Map<string, { failed: number; total: number }>();
  for (const s of students) {
    const c = counts.get(s.module) ?? { failed: 0, total: 0 };
    c.failed += s.failed ? 1 : 0;
    c.total++;
    counts.set(s.module, c);
  }
  return new Map([...counts].map(([module, c]) => [module, c.failed / c.total]));
}

/**
 * Features of every student at `day`, with the cohort context (earlier offering's fail rate, cohort
 * scores per assessment) computed per presentation as the pipeline does per course — or without it,
 * to see what the model gives on learner-level inputs alone.
 */
function snapshot(students: readonly OuladStudent[], day: number, rates: Map<string, number> | null) {
  const inputs = students.map((s) => ({ ...s.input, asOfDay: day, courseFailRate: rates?.get(s.module) ?? null }));
  return (rates ? withCohortScores(inputs) : inputs).map(atRiskFeatures);
}

/** "Mean assessment score so far" as a risk score: 1 − mean known score, the population mean when none. */
function baselineScores(students: readonly OuladStudent[], day: number): number[] {
  const means = students.map((s) => {
    const scores = s.input.assessments
      .filter((a) => a.submittedDay !== null && a.submittedDay <= day && a.score !== null)
      .map((a) => a.score!);
    return scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
  });
  const known = means.filter((m): m is number => m !== null);
  const population = known.reduce((a, b) => a + b, 0) / known.length;
  return means.map((m) => 1 - (m ?? population));
}

/** Rounds a model's numbers to 6 decimals for a readable committed file; the rounded model is the one evaluated. */
function rounded(model: AtRiskModel): AtRiskModel {
  const r = (value: number) => Number(value.toFixed(6));
  return {
    ...model,
    stages: model.stages.map((s) => ({
      ...s,
      elapsed: r(s.elapsed),
      means: s.means.map(r),
      scales: s.scales.map(r),
      coefficients: s.coefficients.map(r),
      intercept: r(s.intercept),
      calibration: { slope: r(s.calibration.slope), intercept: r(s.calibration.intercept) },
    })),
  };
}

/** OULAD protocol: fit on 2013J (stages at STAGE_DAYS), evaluate on 2014J at each REPORT_DAYS cut-off. */
export function evaluateAtRisk(dataDir: URL) {
  const students = loadOulad(dataDir);
  const train = students.filter((s) => s.presentation === "2013J");
  const test = students.filter((s) => s.presentation === "2014J");
  const rates = failRates(train);

  const rows = STAGE_DAYS.flatMap((day) => snapshot(train, day, rates));
  const labels = STAGE_DAYS.flatMap(() => train.map((s) => s.failed));
  const stageKeys = STAGE_DAYS.flatMap((day) => train.map(() => day));
  const model = rounded(
    fitAtRisk(rows, labels, { stageKeys, trainedOn: `OULAD 2013J (${train.length} students), stages at days ${STAGE_DAYS.join(", ")}` }),
  );

  const outcomes = test.map((s) => s.failed);
  const evaluate = (day: number, context = true): AtRiskResult => {
    const p = snapshot(test, day, context ? rates : null).map((f) => predictAtRisk(model, f).probability);
    return {
      auc: rocAuc(outcomes, p),
      brier: brierScore(p, outcomes),
      ece: expectedCalibrationError(p, outcomes, 10),
      baselineAuc: rocAuc(outcomes, baselineScores(test, day)),
    };
  };
  const results = Object.fromEntries(REPORT_DAYS.map((day) => [day, evaluate(day)])) as Record<ReportDay, AtRiskResult>;
  const withoutContext = Object.fromEntries(REPORT_DAYS.map((day) => [day, evaluate(day, false)])) as Record<ReportDay, AtRiskResult>;
  return { model, results, withoutContext, trainStudents: train.length, testStudents: test.length };
}
