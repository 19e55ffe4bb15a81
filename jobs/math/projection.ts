import { type Instant, toMs, WEEK_MS } from "../../core/domain/time";

export interface ProjectionInput {
  asOf: Instant;
  unitsRemaining: number;
  /** Recent weekly completion rates, e.g. the last 4 buckets of `learningVelocity(...).weekly`. */
  recentWeekly: readonly number[];
}

export interface CompletionProjection {
  /** Projected completion instant, ISO 8601. */
  date: string;
  weeksRemaining: number;
  /** Units per week the projection assumes (mean of `recentWeekly`). */
  rate: number;
  /** Approximate 80 % band; `latest` is null when a rate that slow could be zero. */
  earliest: string;
  latest: string | null;
}

/** z of a two-sided 80 % normal interval. */
const Z80 = 1.2816;

/**
 * Projected completion = asOf + unitsRemaining / rate weeks, with rate = mean of the recent weekly
 * rates. The band replaces the rate by rate ± z₀.₈·s/√n (s the sample standard deviation of the
 * weekly rates; weeks treated as independent). Null when the course is complete or the rate is 0.
 */
export function projectCompletion(input: ProjectionInput): CompletionProjection | null {
  const n = input.recentWeekly.length;
  if (input.unitsRemaining <= 0 || n === 0) return null;
  const rate = input.recentWeekly.reduce((a, b) => a + b, 0) / n;
  if (!(rate > 0)) return null;
  const sd = n > 1 ? Math.sqrt(input.recentWeekly.reduce((s, r) => s + (r - rate) ** 2, 0) / (n - 1)) : 0;
  const margin = (Z80 * sd) / Math.sqrt(n);
  const asOf = toMs(input.asOf);
  const at = (weeks: number) => new Date(asOf + weeks * WEEK_MS).toISOString();
  const weeksRemaining = input.unitsRemaining / rate;
  return {
    date: at(weeksRemaining),
    weeksRemaining,
    rate,
    earliest: at(input.unitsRemaining / (rate + margin)),
    latest: rate - margin > 0 ? at(input.unitsRemaining / (rate - margin)) : null,
  };
}
