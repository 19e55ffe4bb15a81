import { courseRisk } from "../jobs/analyze/course-risk";
import { type AtRiskModel, brierScore, expectedCalibrationError, rocAuc } from "../jobs/math";
import {
  CANDIDATES,
  type CrossValidation,
  crossValidate,
  describeSetting,
  fitSetting,
  flagFigures,
  thresholdForPrecision,
} from "./at-risk-selection";
import { contextsAt, cutOff, evidenceOf, type Snapshot, scored, snapshotsAt } from "./at-risk-snapshots";
import { fairnessReport } from "./fairness";
import { loadOulad, type OuladStudent } from "./oulad";

/** Cut-offs the protocol reports. */
export const REPORT_DAYS = [60, 120] as const;
export type ReportDay = (typeof REPORT_DAYS)[number];

/** The flag's purpose: at least this share of the flagged learners fail (on 2013J, out of fold, at day 60). */
export const FLAG_PRECISION = 0.6;
const FLAG_DAY = 60;

export interface AtRiskResult {
  auc: number;
  brier: number;
  ece: number;
  baselineAuc: number;
  /** Students scored (not withdrawn by the cut-off). */
  n: number;
  /** At the model's threshold. */
  flags: { precision: number; recall: number; flagRate: number };
}

/** "Mean assessment score so far" as a risk score: 1 − mean known score, the population mean when none. */
function baselineScores(students: readonly OuladStudent[], day: number): number[] {
  const means = students.map((s) => {
    const scores = s.attempts.filter((a) => Date.parse(a.submittedAt) <= cutOff(s, day).getTime()).map((a) => a.score / a.maxScore);
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
    ...(model.threshold === undefined ? {} : { threshold: r(model.threshold) }),
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

/**
 * OULAD protocol through the pipeline's own path: OULAD becomes contract-shaped evidence
 * (eval/oulad.ts), every feature comes from jobs/analyze/course-risk.ts `atRiskInput`, the model's
 * setting (stages, L2, concurrent enrolments) is chosen by 5-fold cross-validation within 2013J
 * and its flag threshold on 2013J's out-of-fold predictions; 2014J is scored by `courseRisk` itself.
 */
export function evaluateAtRisk(dataDir: URL) {
  const all = loadOulad(dataDir);
  const train = all.filter((s) => s.course.presentation === "2013J");
  const test = all.filter((s) => s.course.presentation === "2014J");

  const cache = new Map<string, Snapshot[]>();
  const trainingAt = (concurrent: boolean) => (day: number) => {
    const key = `${concurrent}/${day}`;
    const known = cache.get(key);
    if (known) return known;
    const snapshots = snapshotsAt(train, all, day, concurrent);
    cache.set(key, snapshots);
    return snapshots;
  };
  const selection: CrossValidation[] = CANDIDATES.map((setting) =>
    crossValidate(setting, trainingAt(setting.concurrent), REPORT_DAYS),
  ).sort((a, b) => a.logLoss - b.logLoss);
  const chosen = selection[0]!;
  const { setting } = chosen;
  const flagDay = trainingAt(setting.concurrent)(FLAG_DAY);
  const threshold = thresholdForPrecision(
    chosen.outOfFold.get(FLAG_DAY)!,
    flagDay.map((s) => s.student.failed),
    FLAG_PRECISION,
  );
  if (threshold === null) throw new Error(`no threshold reaches precision ${FLAG_PRECISION} on 2013J`);
  const model = rounded(
    fitSetting(setting.stageDays.flatMap(trainingAt(setting.concurrent)), {
      l2: setting.l2,
      threshold,
      trainedOn: `OULAD 2013J (${train.length} students) through jobs/analyze/course-risk.ts; ${describeSetting(setting)} (5-fold CV within 2013J)`,
    }),
  );

  const evaluate = (day: number) => {
    const contexts = contextsAt(test, all, day);
    const students = test.filter((s) => scored(s, day));
    const p = students.map((s) => {
      const context = contexts.get(s.course.id) ?? { cohortMeanScores: new Map(), courseFailRate: null };
      return courseRisk(evidenceOf(s, setting.concurrent), s.enrolment, cutOff(s, day), context, model).probability ?? Number.NaN;
    });
    const outcomes = students.map((s) => s.failed);
    const result: AtRiskResult = {
      auc: rocAuc(outcomes, p),
      brier: brierScore(p, outcomes),
      ece: expectedCalibrationError(p, outcomes, 10),
      baselineAuc: rocAuc(outcomes, baselineScores(students, day)),
      n: students.length,
      flags: flagFigures(p, outcomes, threshold),
    };
    return { result, fairness: fairnessReport(students, p) };
  };
  const evaluated = Object.fromEntries(REPORT_DAYS.map((day) => [day, evaluate(day)])) as Record<ReportDay, ReturnType<typeof evaluate>>;
  const crossValidated = (cv: CrossValidation) => ({
    setting: describeSetting(cv.setting),
    logLoss: cv.logLoss,
    auc: Object.fromEntries(
      REPORT_DAYS.map((day) => [
        day,
        rocAuc(
          trainingAt(cv.setting.concurrent)(day).map((s) => s.student.failed),
          cv.outOfFold.get(day)!,
        ),
      ]),
    ) as Record<ReportDay, number>,
  });
  return {
    model,
    threshold,
    trainFlags: flagFigures(
      chosen.outOfFold.get(FLAG_DAY)!,
      flagDay.map((s) => s.student.failed),
      threshold,
    ),
    selection: selection.map(crossValidated),
    results: Object.fromEntries(REPORT_DAYS.map((day) => [day, evaluated[day].result])) as Record<ReportDay, AtRiskResult>,
    fairness: Object.fromEntries(REPORT_DAYS.map((day) => [day, evaluated[day].fairness])) as Record<
      ReportDay,
      ReturnType<typeof fairnessReport>
    >,
    trainStudents: train.length,
    testStudents: test.length,
  };
}
