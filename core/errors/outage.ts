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
 * The platform refusing a request past the invocation's subrequest limit: a defect of the caller
 * (it made too many calls), never a dependency being down, whichever client wraps it.
 */
const isSubrequestLimit = (error: unknown) => error instanceof Error && error.message.startsWith("Too many subrequests");

/**
 * Is this error (or one it wraps) a dependency being unreachable or too slow, rather than a bug?
 * The Neon driver reports a failed connection as a `NeonDbError` with a `sourceError` (a SQL error
 * has none); deadlines (`AbortSignal.timeout`) reject with a `TimeoutError`. A request the
 * platform refused for the subrequest limit also arrives as a `sourceError`, and is not an outage.
 */
export function isOutage(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const source = (cause as { sourceError?: unknown }).sourceError;
    if (isSubrequestLimit(cause) || isSubrequestLimit(source)) return false;
    if (cause.name === "NeonDbError" && source) return true;
    if (cause.name === "TimeoutError") return true;
  }
  return false;
}
