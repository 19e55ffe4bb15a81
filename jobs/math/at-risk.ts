import { AT_RISK_DIRECTION, AT_RISK_FEATURE_NAMES, type AtRiskFeatureName, type AtRiskFeatures } from "./at-risk-features";
import { fitLogistic, sigmoid } from "./logistic";
import { seededRandom } from "./random";

/**
 * A standardised value beyond ±3 standard deviations counts as ±3: a learner far outside the
 * training range (a 40-day delay where OULAD's delays are a day or two) would otherwise move the
 * linear logit without bound and dominate the explanation by accident.
 */
export const Z_CLIP = 3;

/**
 * A feature is left out of a stage when fewer than this share of its training rows differ from its
 * most common value: its scale is then tiny and its coefficient rests on a handful of learners.
 */
export const MIN_VARIED_SHARE = 0.01;

/**
 * One calibrated logistic regression of P(fail / not complete), fitted at one point of the course
 * (`elapsed`, the share of the course elapsed). Features are standardised (z = (x − mean) / scale,
 * clipped to ±Z_CLIP; a null becomes the training mean, i.e. contributes nothing), combined
 * linearly, and the logit is recalibrated by Platt scaling: p = σ(slope · logit + intercept).
 */
export interface AtRiskStage {
  elapsed: number;
  features: AtRiskFeatureName[];
  means: number[];
  scales: number[];
  coefficients: number[];
  intercept: number;
  calibration: { slope: number; intercept: number };
}

/**
 * Stages at increasing `elapsed`. What predicts failure changes over a course (early on, missed
 * submissions; later, the marks), so each stage is fitted on snapshots taken at its point and a
 * prediction interpolates between the two stages around the learner's elapsed share.
 */
export interface AtRiskModel {
  stages: AtRiskStage[];
  /** Probability from which an enrolment is flagged at risk (chosen with the model; see at-risk-model.ts). */
  threshold?: number;
  /** What the model was fitted on, for the record. */
  trainedOn?: string;
}

/** A feature's share of a prediction (labelled for people by `describeFactor`). */
export interface AtRiskContribution {
  feature: AtRiskFeatureName;
  /** The learner's feature value (null when unknown). */
  value: number | null;
  /** Its additive share of the calibrated logit, relative to an average learner: positive raises the risk. */
  contribution: number;
}

export interface AtRiskPrediction {
  probability: number;
  /** At most three features raising the risk (contribution > 0), largest first. */
  factors: AtRiskContribution[];
}

function standardise(stage: Pick<AtRiskStage, "features" | "means" | "scales">, features: AtRiskFeatures): number[] {
  return stage.features.map((name, j) => {
    const value = features[name];
    if (value === null || value === undefined) return 0;
    return Math.min(Z_CLIP, Math.max(-Z_CLIP, (value - stage.means[j]!) / stage.scales[j]!));
  });
}

/** Calibrated logit of a stage, slope·(β₀ + Σ βⱼzⱼ) + intercept, and each term slope·βⱼzⱼ per feature. */
function stageLogit(stage: AtRiskStage, features: AtRiskFeatures) {
  const slope = stage.calibration.slope;
  const contributions = new Map<AtRiskFeatureName, number>();
  let logit = slope * stage.intercept + stage.calibration.intercept;
  standardise(stage, features).forEach((z, j) => {
    const term = slope * stage.coefficients[j]! * z;
    contributions.set(stage.features[j]!, term);
    logit += term;
  });
  return { logit, contributions };
}

/**
 * probability = σ((1 − w)·L₁ + w·L₂) where L₁, L₂ are the calibrated logits of the stages just
 * before and after the learner's elapsed share and w its position between them (the first or
 * last stage alone outside their range). A factor's contribution is its interpolated term.
 */
export function predictAtRisk(model: AtRiskModel, features: AtRiskFeatures): AtRiskPrediction {
  const { stages } = model;
  if (!stages.length) throw new RangeError("the at-risk model has no stage");
  const elapsed = features.elapsed ?? 0;
  const after = stages.findIndex((s) => s.elapsed >= elapsed);
  const upper = stages[after === -1 ? stages.length - 1 : after]!;
  const lower = stages[Math.max(0, after === -1 ? stages.length - 1 : after - 1)]!;
  const w = upper.elapsed > lower.elapsed ? (elapsed - lower.elapsed) / (upper.elapsed - lower.elapsed) : 1;
  const a = stageLogit(lower, features);
  const b = stageLogit(upper, features);
  const contributions = new Map<AtRiskFeatureName, number>();
  for (const [name, term] of a.contributions) contributions.set(name, (1 - w) * term);
  for (const [name, term] of b.contributions) contributions.set(name, (contributions.get(name) ?? 0) + w * term);
  const factors = [...contributions]
    .map(([feature, contribution]) => ({ feature, value: features[feature] ?? null, contribution }))
    .filter((f) => f.contribution > 0)
    .sort((x, y) => y.contribution - x.contribution || x.feature.localeCompare(y.feature))
    .slice(0, 3);
  return { probability: sigmoid((1 - w) * a.logit + w * b.logit), factors };
}

export interface FitAtRiskOptions {
  /** Features to use; default every feature but `elapsed` that varies (see MIN_VARIED_SHARE). */
  features?: readonly AtRiskFeatureName[];
  /** L2 penalty of the logistic regression on standardised features. Default 1. */
  l2?: number;
  /**
   * Leave out features whose coefficient contradicts AT_RISK_DIRECTION (default true), so that every
   * listed factor reads the way a person expects ("0 % missed" never raises the risk).
   */
  signConsistent?: boolean;
  /** Folds of the cross-fitting that yields the out-of-fold logits for the calibration. Default 5. */
  folds?: number;
  seed?: number;
}

function columnStats(rows: readonly AtRiskFeatures[], name: AtRiskFeatureName) {
  const values = rows.map((r) => r[name]).filter((v): v is number => v !== null && v !== undefined);
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length);
  const frequency = new Map<number, number>();
  for (const v of values) frequency.set(v, (frequency.get(v) ?? 0) + 1);
  const mode = Math.max(0, ...frequency.values());
  const varied = values.length ? (values.length - mode) / values.length : 0;
  return { count: values.length, mean, scale: Math.sqrt(variance), varied };
}

/**
 * Fits one stage on learners' features taken at about the same elapsed share (label true =
 * failed / did not complete):
 * 1. keep the features that vary (at least MIN_VARIED_SHARE of the non-null rows away from the
 *    most common value) and standardise each by its mean and standard deviation over the rows
 *    (nulls excluded), clipping z to ±Z_CLIP; then leave out, one at a time, features whose
 *    coefficient on all rows has the sign opposite to AT_RISK_DIRECTION;
 * 2. cross-fit the L2 logistic regression over `folds` random folds for an out-of-fold logit per
 *    row, and fit Platt's σ(a·logit + b) on those: the calibration is learnt on data the
 *    regression did not see, while no row is held out of the final fit;
 * 3. fit the regression on all rows.
 */
export function fitAtRiskStage(rows: readonly AtRiskFeatures[], labels: readonly boolean[], options: FitAtRiskOptions = {}): AtRiskStage {
  const { l2 = 1, folds = 5, seed = 1 } = options;
  if (!rows.length || rows.length !== labels.length) throw new RangeError("fitAtRiskStage needs one label per row and at least one row");
  const stats = new Map(AT_RISK_FEATURE_NAMES.map((name) => [name, columnStats(rows, name)]));
  const statsOf = (name: AtRiskFeatureName) => stats.get(name) ?? { count: 0, mean: 0, scale: 0, varied: 0 };
  const design = (features: AtRiskFeatureName[]) => {
    const means = features.map((name) => statsOf(name).mean);
    const scales = features.map((name) => statsOf(name).scale || 1);
    return { means, scales, x: rows.map((row) => standardise({ features, means, scales }, row)) };
  };
  let features: AtRiskFeatureName[] = [
    ...(options.features ??
      AT_RISK_FEATURE_NAMES.filter((name) => {
        const column = statsOf(name);
        return name !== "elapsed" && column.scale > 1e-9 && column.varied >= MIN_VARIED_SHARE;
      })),
  ];
  // Sign consistency: while a feature's coefficient contradicts its stated direction (a collinear
  // partner took its effect), drop the most contradicting one and refit.
  if (options.signConsistent ?? true) {
    for (;;) {
      const fit = fitLogistic(design(features).x, labels, { l2 });
      const wrong = features
        .map((name, j) => ({ name, by: -(AT_RISK_DIRECTION[name] ?? 0) * (fit.coefficients[j] ?? 0) }))
        .filter((f) => f.by > 0)
        .sort((a, b) => b.by - a.by)[0];
      if (!wrong) break;
      features = features.filter((name) => name !== wrong.name);
    }
  }
  const { means, scales, x } = design(features);

  const random = seededRandom(seed);
  const fold = rows.map(() => Math.floor(random() * folds));
  const outOfFold = new Array<number>(rows.length).fill(0);
  for (let k = 0; k < folds; k++) {
    const train = x.flatMap((_, i) => (fold[i] === k ? [] : [i]));
    const fit = fitLogistic(
      train.map((i) => x[i]!),
      train.map((i) => labels[i]!),
      { l2 },
    );
    x.forEach((xi, i) => {
      if (fold[i] === k) outOfFold[i] = fit.intercept + xi.reduce((s, v, j) => s + v * fit.coefficients[j]!, 0);
    });
  }
  const platt = fitLogistic(
    outOfFold.map((z) => [z]),
    labels,
    { l2: 1e-6 },
  );
  const final = fitLogistic(x, labels, { l2 });
  return {
    elapsed: rows.reduce((s, r) => s + (r.elapsed ?? 0), 0) / rows.length,
    features,
    means,
    scales,
    coefficients: final.coefficients,
    intercept: final.intercept,
    calibration: { slope: platt.coefficients[0]!, intercept: platt.intercept },
  };
}

/**
 * Fits the model: rows sharing a stage key (e.g. every learner's snapshot at day 60) form one
 * stage, fitted by `fitAtRiskStage`; without keys all rows form a single stage.
 */
export function fitAtRisk(
  rows: readonly AtRiskFeatures[],
  labels: readonly boolean[],
  options: FitAtRiskOptions & { stageKeys?: readonly (string | number)[]; trainedOn?: string; threshold?: number } = {},
): AtRiskModel {
  const { stageKeys, trainedOn, threshold, ...stageOptions } = options;
  const groups = new Map<string | number, number[]>();
  rows.forEach((_, i) => {
    const key = stageKeys?.[i] ?? 0;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  const stages = [...groups.values()]
    .map((indices) =>
      fitAtRiskStage(
        indices.map((i) => rows[i]!),
        indices.map((i) => labels[i]!),
        stageOptions,
      ),
    )
    .sort((a, b) => a.elapsed - b.elapsed);
  return { stages, ...(threshold === undefined ? {} : { threshold }), ...(trainedOn ? { trainedOn } : {}) };
}
