/**
 * Evaluation metrics for probabilistic predictions of a binary outcome. Pure, allocation-light,
 * used both by the offline evaluation and by model fitting (calibration checks).
 */

function assertSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} vs ${b.length}`);
}

/**
 * Area under the ROC curve, computed from ranks (Mann–Whitney U):
 * AUC = (Σ rank(positives) − n₊(n₊ + 1)/2) / (n₊ · n₋), with tied scores sharing their mean rank
 * so that a tie between a positive and a negative counts one half.
 * Returns NaN when either class is absent (the AUC is undefined then).
 */
export function rocAuc(labels: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  assertSameLength(labels, scores);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const meanRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (labels[order[k]!]) {
        positives++;
        positiveRankSum += meanRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Root mean squared error √(Σ (pᵢ − yᵢ)² / n); NaN for empty input. */
export function rmse(predictions: ArrayLike<number>, outcomes: ArrayLike<boolean | number>): number {
  return Math.sqrt(brierScore(predictions, outcomes));
}

/** Brier score Σ (pᵢ − yᵢ)² / n (the mean squared error of a probability); NaN for empty input. */
export function brierScore(predictions: ArrayLike<number>, outcomes: ArrayLike<boolean | number>): number {
  assertSameLength(predictions, outcomes);
  let sum = 0;
  for (let i = 0; i < predictions.length; i++) {
    const error = predictions[i]! - Number(outcomes[i]);
    sum += error * error;
  }
  return sum / predictions.length;
}

/**
 * Expected calibration error with `bins` equal-width bins over [0, 1]:
 * ECE = Σ_b (n_b / n) · |mean(p in b) − mean(y in b)|. Bin b holds p ∈ [b/B, (b+1)/B), the last
 * bin also p = 1. NaN for empty input.
 */
export function expectedCalibrationError(predictions: ArrayLike<number>, outcomes: ArrayLike<boolean | number>, bins = 10): number {
  assertSameLength(predictions, outcomes);
  const count = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    count[b]!++;
    predicted[b]! += p;
    observed[b]! += Number(outcomes[i]);
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) ece += Math.abs(predicted[b]! - observed[b]!);
  return ece / predictions.length;
}
