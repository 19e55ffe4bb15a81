import { ProblemError } from "./problem";

/** Seconds a client should wait after an outage answer: long enough for a blip, short for a dashboard. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** The 503 a request gets when a dependency it cannot do without is down or past its deadline. */
export const unavailable = (what: string) =>
  new ProblemError(
    503,
    "unavailable",
    `${what} is unavailable; retry in ${OUTAGE_RETRY_AFTER_SECONDS} s.`,
    { retryAfter: OUTAGE_RETRY_AFTER_SECONDS },
    { "Retry-After": String(OUTAGE_RETRY_AFTER_SECONDS) },
  );

/**
 * Is this error (or one it wraps) a dependency being unreachable or too slow, rather than a bug?
 * The Neon driver reports a failed connection as a `NeonDbError` with a `sourceError` (a SQL error
 * has none); deadlines (`AbortSignal.timeout`) reject with a `TimeoutError`.
 */
export function isOutage(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.name === "NeonDbError" && (cause as { sourceError?: unknown }).sourceError) return true;
    if (cause.name === "TimeoutError") return true;
  }
  return false;
}
