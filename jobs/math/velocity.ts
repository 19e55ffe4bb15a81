import { type Instant, toMs, WEEK_MS } from "../../core/domain/time";

export interface VelocityInput {
  /** When each unit was completed; completions outside [from, to) are ignored. */
  completedAt: readonly Instant[];
  from: Instant;
  to: Instant;
}

export interface Velocity {
  /** Units per week in each 7-day bucket from `from`; a shorter last bucket is scaled to a weekly rate. */
  weekly: number[];
  /** Units completed in the window. */
  units: number;
  /** Units per week over the whole window: units / (window length in weeks). */
  perWeek: number;
  /** Least-squares slope of `weekly` against time, in units/week per week (0 with fewer than two buckets). */
  trend: number;
}

/**
 * Learning velocity in the window [from, to): completions are counted in consecutive 7-day buckets
 * starting at `from`, each converted to units per week (a last partial bucket of d days is counted
 * × 7/d). The trend is the weighted least-squares slope of these rates against the bucket
 * midpoints in weeks, each bucket weighted by its length in weeks, so a one-day partial bucket cannot
 * swing it.
 */
export function learningVelocity(input: VelocityInput): Velocity {
  const from = toMs(input.from);
  const to = toMs(input.to);
  if (!(to > from)) throw new RangeError("velocity window: `to` must be after `from`");
  const buckets = Math.ceil((to - from) / WEEK_MS);
  const counts = new Array<number>(buckets).fill(0);
  let units = 0;
  for (const instant of input.completedAt) {
    const ms = toMs(instant);
    if (ms < from || ms >= to) continue;
    counts[Math.floor((ms - from) / WEEK_MS)]!++;
    units++;
  }
  const lengths = counts.map((_, b) => (Math.min(to, from + (b + 1) * WEEK_MS) - (from + b * WEEK_MS)) / WEEK_MS);
  const weekly = counts.map((count, b) => count / lengths[b]!);
  const midpoints = lengths.map((length, b) => b + length / 2);
  return { weekly, units, perWeek: units / ((to - from) / WEEK_MS), trend: weightedSlope(midpoints, weekly, lengths) };
}

/** Slope of the weighted least-squares line y = a + b·x: Σw(x − x̄)(y − ȳ) / Σw(x − x̄)². */
function weightedSlope(x: readonly number[], y: readonly number[], w: readonly number[]): number {
  const total = w.reduce((a, b) => a + b, 0);
  const meanX = x.reduce((s, xi, i) => s + w[i]! * xi, 0) / total;
  const meanY = y.reduce((s, yi, i) => s + w[i]! * yi, 0) / total;
  let numerator = 0;
  let denominator = 0;
  x.forEach((xi, i) => {
    numerator += w[i]! * (xi - meanX) * (y[i]! - meanY);
    denominator += w[i]! * (xi - meanX) ** 2;
  });
  return denominator > 0 ? numerator / denominator : 0;
}

/**
 * Percentile rank of `value` among `peers`: 100 × (peers strictly below + ½ × peers equal) / peers,
 * in 0..100 (the "mean" definition, symmetric under ties). Whether the learner is among `peers` is
 * the caller's choice. Null without peers.
 */
export function percentileRank(value: number, peers: readonly number[]): number | null {
  if (!peers.length) return null;
  let below = 0;
  let equal = 0;
  for (const peer of peers) {
    if (peer < value) below++;
    else if (peer === value) equal++;
  }
  return (100 * (below + equal / 2)) / peers.length;
}
