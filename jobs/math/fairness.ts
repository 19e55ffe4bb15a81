/**
 * Fairness of a risk score across groups of learners: ROC curves and ABROCA (Gardner, Brooks &
 * Baker, "Evaluating the Fairness of Predictive Student Models Through Slicing Analysis", LAK 2019).
 */

/** A point of an ROC curve: false-positive rate, true-positive rate. */
export type RocPoint = readonly [fpr: number, tpr: number];

/**
 * The ROC curve of a score: one point per distinct score (every learner at or above it flagged),
 * from (0, 0) to (1, 1), tied scores moving both rates at once (a diagonal segment), as the
 * rank AUC counts ties. NaN-free only when both classes are present: throws otherwise.
 */
export function rocCurve(labels: ArrayLike<boolean | number>, scores: ArrayLike<number>): RocPoint[] {
  if (labels.length !== scores.length) throw new RangeError(`length mismatch: ${labels.length} vs ${scores.length}`);
  const pairs = Array.from(scores, (score, i) => ({ score, positive: Boolean(labels[i]) })).sort((a, b) => b.score - a.score);
  const positives = pairs.filter((p) => p.positive).length;
  const negatives = pairs.length - positives;
  if (!positives || !negatives) throw new RangeError("an ROC curve needs both outcomes");
  const points: RocPoint[] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  pairs.forEach((pair, k) => {
    if (pair.positive) tp++;
    else fp++;
    // One point per distinct score: after the last pair sharing it.
    if (pairs[k + 1]?.score !== pair.score) points.push([fp / negatives, tp / positives]);
  });
  return points;
}

/** The curve's TPR at an FPR strictly inside one of its segments (linear interpolation). */
function tprAt(curve: readonly RocPoint[], fpr: number): number {
  const i = Math.max(
    1,
    curve.findIndex(([x], j) => j > 0 && x > fpr),
  );
  const [x0, y0] = curve[i - 1] ?? [0, 0];
  const [x1, y1] = curve[i] ?? [1, 1];
  return x1 > x0 ? y0 + ((y1 - y0) * (fpr - x0)) / (x1 - x0) : y1;
}

/**
 * ABROCA = ∫₀¹ |ROC_a(t) − ROC_b(t)| dt, the absolute area between two ROC curves over the false-
 * positive rate, computed exactly: between consecutive breakpoints of either curve both are linear,
 * so the difference is linear there (read at two interior points, where neither curve jumps) and
 * its absolute value is integrated in closed form, splitting where it changes sign.
 */
export function abroca(a: readonly RocPoint[], b: readonly RocPoint[]): number {
  const xs = [...new Set([...a, ...b].map(([x]) => x))].sort((p, q) => p - q);
  let area = 0;
  for (const [i, x1] of xs.entries()) {
    if (i === 0) continue;
    const x0 = xs[i - 1] ?? 0;
    const width = x1 - x0;
    const m1 = x0 + width / 4;
    const m2 = x0 + (3 * width) / 4;
    const d1 = tprAt(a, m1) - tprAt(b, m1);
    const d2 = tprAt(a, m2) - tprAt(b, m2);
    const slope = (d2 - d1) / (m2 - m1);
    const left = d1 - slope * (m1 - x0);
    const right = d2 + slope * (x1 - m2);
    area +=
      left * right >= 0
        ? ((Math.abs(left) + Math.abs(right)) / 2) * width
        : ((left * left + right * right) / (2 * (Math.abs(left) + Math.abs(right)))) * width;
  }
  return area;
}

/**
 * ABROCA of an attribute with any number of groups: for each group, the area between its ROC curve
 * and that of everyone else; the largest of these. With two groups both areas are the one between
 * the two groups' curves. Groups smaller than `minSize` are not compared themselves (their curve
 * is noise) but stay in the others' "rest"; groups in which either outcome is absent are skipped.
 */
export function groupAbroca(labels: readonly boolean[], scores: readonly number[], groups: readonly string[], minSize = 0): number | null {
  let largest: number | null = null;
  for (const group of new Set(groups)) {
    if (groups.filter((g) => g === group).length < minSize) continue;
    const inside = groups.flatMap((g, i) => (g === group ? [i] : []));
    const outside = groups.flatMap((g, i) => (g === group ? [] : [i]));
    const curve = (indices: number[]) => {
      const l = indices.map((i) => labels[i]!);
      return l.includes(true) && l.includes(false)
        ? rocCurve(
            l,
            indices.map((i) => scores[i]!),
          )
        : null;
    };
    const a = curve(inside);
    const b = curve(outside);
    if (a && b) largest = Math.max(largest ?? 0, abroca(a, b));
  }
  return largest;
}
