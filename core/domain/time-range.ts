/** The time ranges dashboards and reports ask for, and the days each spans. */
export const TIME_RANGES = ["7d", "30d", "90d", "1y"] as const;
export type TimeRange = (typeof TIME_RANGES)[number];
export const TIME_RANGE_DAYS: Readonly<Record<TimeRange, number>> = { "7d": 7, "30d": 30, "90d": 90, "1y": 365 };

/**
 * The ranges personal analytics (layer 2) are computed for: the upstream services keep 90 days, so
 * `1y` of a learner is served from `90d` and says so (see `rangeCoverage`).
 */
export const STORED_RANGES = ["7d", "30d", "90d"] as const;
export type StoredRange = (typeof STORED_RANGES)[number];

/** The stored range that serves a requested one: itself, or the longest for `1y`. */
export const storedRangeFor = (range: TimeRange): StoredRange => (range === "1y" ? "90d" : range);

/** Trend series are daily up to a month, weekly beyond. */
export const seriesStep = (range: TimeRange): "day" | "week" => (TIME_RANGE_DAYS[range] <= 30 ? "day" : "week");
