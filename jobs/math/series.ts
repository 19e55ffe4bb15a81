import { DAY_MS } from "../../core/domain/time";

export interface SeriesPoint {
  /** First UTC day of the bucket, YYYY-MM-DD. */
  date: string;
  units: number;
}

/**
 * The last `days` of a per-day count series (`counts[0]` is the 24 hours from `origin`, an ISO
 * instant or a YYYY-MM-DD day), as daily points or summed into weeks counted from the window's
 * first day (the last week may be shorter). A point's date is the UTC day its bucket starts in.
 */
export function bucketSeries(firstDay: string, counts: readonly number[], days: number, step: "day" | "week"): SeriesPoint[] {
  const start = Math.max(0, counts.length - days);
  const origin = Date.parse(firstDay.length === 10 ? `${firstDay}T00:00:00Z` : firstDay);
  const dateOf = (index: number) => new Date(origin + index * DAY_MS).toISOString().slice(0, 10);
  const width = step === "day" ? 1 : 7;
  const points: SeriesPoint[] = [];
  for (let index = start; index < counts.length; index += width) {
    const units = counts.slice(index, Math.min(counts.length, index + width)).reduce((sum, n) => sum + n, 0);
    points.push({ date: dateOf(index), units });
  }
  return points;
}

/**
 * How activity moved over a window: the rate per week in its second half minus the first half
 * (0 for fewer than two days). Positive: speeding up.
 */
export function halfOverHalf(counts: readonly number[]): number {
  if (counts.length < 2) return 0;
  const middle = Math.floor(counts.length / 2);
  const perWeek = (part: readonly number[]) => (part.reduce((sum, n) => sum + n, 0) / part.length) * 7;
  return perWeek(counts.slice(middle)) - perWeek(counts.slice(0, middle));
}
