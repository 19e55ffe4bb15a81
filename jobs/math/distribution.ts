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
 * Histogram with `bins` equal-width bins over `domain` (values outside are clamped into the end
 * bins, NaN is dropped), the mean, the count and the type-7 quantiles p10, p25, p50, p75, p90.
 */
export function scoreDistribution(values: readonly number[], options: DistributionOptions = {}): ScoreDistribution {
  const { bins = 10, domain = [0, 1] } = options;
  const [low, high] = domain;
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  // Edges as low + span·b / bins (not b·width, whose 3·0.1 prints as 0.30000000000000004).
  const edge = (b: number) => (b === bins ? high : low + ((high - low) * b) / bins);
  const histogram = Array.from({ length: bins }, (_, b) => ({ from: edge(b), to: edge(b + 1), count: 0 }));
  // (v − low)·bins / span rather than (v − low) / width: 0.3 / 0.1 is 2.999…, 0.3 · 10 is 3.
  for (const v of sorted) histogram[Math.min(bins - 1, Math.max(0, Math.floor(((v - low) * bins) / (high - low))))]!.count++;
  const q = (p: number) => quantile(sorted, p)!;
  return {
    count: sorted.length,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null,
    histogram,
    quantiles: sorted.length ? { p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9) } : null,
  };
}
