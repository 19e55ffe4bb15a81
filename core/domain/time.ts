/** An instant as an ISO 8601 string (what the upstream payloads carry), epoch milliseconds or a Date. */
export type Instant = string | number | Date;

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export function toMs(instant: Instant): number {
  const ms = typeof instant === "number" ? instant : typeof instant === "string" ? Date.parse(instant) : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return ms;
}
