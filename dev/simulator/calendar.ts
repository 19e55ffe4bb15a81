/** UTC calendar arithmetic: the simulator thinks in whole days so answers are stable within a day. */
import { DAY_MS } from "../../core/domain/time";

export { DAY_MS };
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** Midnight UTC at the start of the day containing `ms`. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** `YYYY-MM-DD` of the UTC day containing `ms`. */
export function dayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO 8601 in UTC with whole seconds: what the simulated services emit. */
export function isoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Saturday or Sunday. */
export function isWeekend(ms: number): boolean {
  const weekday = new Date(ms).getUTCDay();
  return weekday === 0 || weekday === 6;
}
