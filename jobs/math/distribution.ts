import { percentileRank } from "./velocity";

export interface HistogramBin {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge (inclusive for the last bin). */
  to: number;
  count: number;
}

export interface Quantiles {
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export interface ScoreDistribution {
  count: number;
  mean: number | null;
  histogram: HistogramBin[];
  /** Null without scores. */
  quantiles: Quantiles | null;
}

export interface DistributionOptions {
  /** Number of equal-width bins. Default 10. */
  bins?: number;
  /** The score scale, e.g. [0, 1] or [0, 100]. Default [0, 1]. */
  domain?: readonly [number, number];
}

/**
 * Quantile of ascending `sorted` values by linear interpolation, "type 7" (R's and NumPy's
 * default): h = (n − 1)·p, q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). Null when empty.
 */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const low = Math.floor(h);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!);
}

/** Type-7 median of unsorted values; null when empty. */
export function median(values: readonly number[]): number | null {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/**
 * A value this close below a bin edge counts as on the edge: averaged scores carry floating error
 * (0.3 − 0.1 is 0.19999999999999998), and the SQL aggregate adds the same tolerance.
 */
export const BIN_EDGE_TOLERANCE = 1e-9;

/**
 * The bin of `value` among `bins` equal-width bins over `domain`: ⌊(v − low)·bins / span + 1e-9⌋,
 * clamped to 0..bins − 1. Bins are [low, edge₁), …, [edge_{bins−1}, high], so with 10 bins over
 * [0, 1] a score of 0.3 is in [0.3, 0.4) and 1 in [0.9, 1]. (v − low)·bins / span rather than
 * (v − low) / width: 0.3 / 0.1 is 2.999…, 0.3 · 10 is 3.
 */
export function histogramBin(value: number, bins: number, [low, high]: readonly [number, number]): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(((value - low) * bins) / (high - low) + BIN_EDGE_TOLERANCE)));
}

/**
 * Histogram with `bins` equal-width bins over `domain` (see `histogramBin`; values outside are
 * clamped into the end bins, NaN is dropped), the mean, the count and the type-7 quantiles p10,
 * p25, p50, p75, p90.
 */
export function scoreDistribution(values: readonly number[], options: DistributionOptions = {}): ScoreDistribution {
  const { bins = 10, domain = [0, 1] } = options;
  const [low, high] = domain;
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  // Edges as low + span·b / bins (not b·width, whose 3·0.1 prints as 0.30000000000000004).
  const edge = (b: number) => (b === bins ? high : low + ((high - low) * b) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) {
    const bin = histogramBin(v, bins, domain);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const histogram = counts.map((count, b) => ({ from: edge(b), to: edge(b + 1), count }));
  const q = (p: number) => quantile(sorted, p)!;
  return {
    count: sorted.length,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null,
    histogram,
    quantiles: sorted.length ? { p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9) } : null,
  };
}

/**
 * `value` rounded half up to `digits` decimals, a value within 1e-9 below the half counting as the
 * half (floating error of a mean; SQL's numeric mean has none, and rounds the same way).
 */
export function roundHalfUp(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.floor(value * scale + 0.5 + BIN_EDGE_TOLERANCE) / scale;
}

export interface PeerGroupMember {
  id: string;
  /** The compared figure (e.g. units per week); null: neither ranked nor a peer. */
  value: number | null;
  /** The groups (e.g. courses) the member belongs to; a repeated group counts once. */
  groups: readonly string[];
}

/**
 * Each member's peer percentile: in each of their groups, `percentileRank` of their value among
 * the other members of the group (100 × (others strictly below + ½ × others equal) / others, so
 * tied members share the midpoint and the top of n distinct values gets 100); then the mean over
 * the groups in which they have at least one peer, rounded half up to 1 decimal. Null for a member
 * without a value or alone in every group: no peers, no percentile (not 0, not 100). The SQL of
 * `writePeerPercentiles` computes the same; a test runs both on the same rows.
 */
export function peerPercentiles(members: readonly PeerGroupMember[]): Map<string, number | null> {
  const valuesByGroup = new Map<string, { id: string; value: number }[]>();
  for (const member of members) {
    if (member.value === null) continue;
    for (const group of new Set(member.groups)) {
      const list = valuesByGroup.get(group) ?? [];
      list.push({ id: member.id, value: member.value });
      valuesByGroup.set(group, list);
    }
  }
  return new Map(
    members.map((member) => {
      const { value } = member;
      if (value === null) return [member.id, null];
      const ranks = [...new Set(member.groups)].flatMap((group) => {
        const others = (valuesByGroup.get(group) ?? []).filter((peer) => peer.id !== member.id).map((peer) => peer.value);
        const rank = percentileRank(value, others);
        return rank === null ? [] : [rank];
      });
      return [member.id, ranks.length ? roundHalfUp(ranks.reduce((a, b) => a + b, 0) / ranks.length, 1) : null];
    }),
  );
}
