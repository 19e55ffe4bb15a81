/** The time ranges dashboards and reports ask for, and the days each spans. */
export const TIME_RANGES = ["7d", "30d", "90d", "1y"] as const;
export type TimeRange = (typeof TIME_RANGES)[number];
export const TIME_RANGE_DAYS: Readonly<Record<TimeRange, number>> = { "7d": 7, "30d": 30, "90d": 90, "1y": 365 };
