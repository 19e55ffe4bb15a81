import { type AtRiskModel, fitAtRisk, predictAtRisk } from "../jobs/math";
import { seededRandom } from "../jobs/math/random";
import type { Snapshot } from "./at-risk-snapshots";
import type { OuladStudent } from "./oulad";

/** One candidate setting of the model. */
export interface AtRiskSetting {
  /** Days of the course the stages are fitted at. */
  stageDays: readonly number[];
  l2: number;
  /** Whether the count of concurrent enrolments is given to the model (from OULAD's studied credits). */
  concurrent: boolean;
}

export const MONTHLY = [30, 60, 90, 120, 150, 180, 210, 240] as const;
const FORTNIGHTLY = Array.from({ length: 17 }, (_, i) => 14 * (i + 1));

/** The grid searched within 2013J. */
export const CANDIDATES: AtRiskSetting[] = [MONTHLY, FORTNIGHTLY].flatMap((stageDays) =>
  [0.1, 1, 10, 100].flatMap((l2) => [true, false].map((concurrent) => ({ stageDays, l2, concurrent }))),
);

export const describeSetting = (s: AtRiskSetting) =>
  `stages every ${s.stageDays[1]! - s.stageDays[0]!} days to day ${s.stageDays.at(-1)}, L2 ${s.l2}, concurrent enrolments ${s.concurrent ? "on" : "off"}`;

/** Fits the model of a setting on snapshots taken at its stage days. */
export function fitSetting(snapshots: readonly Snapshot[], options: { trainedOn?: string; threshold?: number; l2: number }): AtRiskModel {
  return fitAtRisk(
    snapshots.map((s) => s.features),
    snapshots.map((s) => s.student.failed),
    { stageKeys: snapshots.map((s) => s.day), l2: options.l2, trainedOn: options.trainedOn, threshold: options.threshold },
  );
}

const logLoss = (p: readonly number[], y: readonly boolean[]) =>
  -p.reduce((sum, pi, i) => sum + Math.log(Math.max(1e-12, y[i] ? pi : 1 - pi)), 0) / p.length;

export interface CrossValidation {
  setting: AtRiskSetting;
  /** Mean out-of-fold log loss at the report days (the selection criterion: a proper score, rewarding discrimination and calibration). */
  logLoss: number;
  /** Out-of-fold probabilities per report day, aligned with the report-day snapshots. */
  outOfFold: Map<number, number[]>;
}

/**
 * K-fold cross-validation within the training presentation, folds drawn by student (a student's
 * snapshots at every day, in every module, stay in one fold), so no fold is scored by a model that
 * saw the same person.
 */
export function crossValidate(
  setting: AtRiskSetting,
  snapshotsAt: (day: number) => Snapshot[],
  reportDays: readonly number[],
  folds = 5,
): CrossValidation {
  const random = seededRandom(7);
  const foldOf = new Map<string, number>();
  const fold = (s: OuladStudent) => {
    const known = foldOf.get(s.learnerId);
    if (known !== undefined) return known;
    const drawn = Math.floor(random() * folds);
    foldOf.set(s.learnerId, drawn);
    return drawn;
  };
  const training = setting.stageDays.flatMap(snapshotsAt);
  const reported = new Map(reportDays.map((day) => [day, snapshotsAt(day)]));
  const outOfFold = new Map(reportDays.map((day) => [day, new Array<number>(reported.get(day)!.length).fill(0)]));
  for (let k = 0; k < folds; k++) {
    const model = fitSetting(
      training.filter((s) => fold(s.student) !== k),
      { l2: setting.l2 },
    );
    for (const day of reportDays) {
      reported.get(day)!.forEach((s, i) => {
        if (fold(s.student) === k) outOfFold.get(day)![i] = predictAtRisk(model, s.features).probability;
      });
    }
  }
  const losses = reportDays.map((day) =>
    logLoss(
      outOfFold.get(day)!,
      reported.get(day)!.map((s) => s.student.failed),
    ),
  );
  return { setting, logLoss: losses.reduce((a, b) => a + b, 0) / losses.length, outOfFold };
}

/**
 * The flag threshold for a stated purpose: the lowest probability at which at least `precision` of
 * the learners flagged (p ≥ threshold) fail — the most failing learners found while that share of
 * the flags is right. Null when no threshold reaches that precision.
 */
export function thresholdForPrecision(probabilities: readonly number[], failed: readonly boolean[], precision: number): number | null {
  const order = probabilities.map((p, i) => [p, failed[i]!] as const).sort((a, b) => b[0] - a[0]);
  let flagged = 0;
  let hits = 0;
  let best: number | null = null;
  for (let k = 0; k < order.length; ) {
    const p = order[k]![0];
    while (k < order.length && order[k]![0] === p) {
      flagged++;
      if (order[k]![1]) hits++;
      k++;
    }
    if (hits / flagged >= precision) best = p;
  }
  return best;
}

/** Precision, recall and share flagged at a threshold. */
export function flagFigures(probabilities: readonly number[], failed: readonly boolean[], threshold: number) {
  const flagged = probabilities.map((p) => p >= threshold);
  const hits = flagged.filter((f, i) => f && failed[i]).length;
  const count = flagged.filter(Boolean).length;
  return {
    precision: count ? hits / count : 0,
    recall: hits / Math.max(1, failed.filter(Boolean).length),
    flagRate: count / probabilities.length,
  };
}
