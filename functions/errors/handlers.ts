import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isOutage, unavailable } from "../../core/errors/outage";
import { PROBLEM_CONTENT_TYPE, type Problem, ProblemError } from "../../core/errors/problem";
import { describeError, log } from "../../core/logger";

/** Writes a problem as `application/problem+json`, stamped with the request id and path. */
export function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}): Response {
  const requestId = c.get("requestId") as string | undefined;
  const body: Problem = { ...problem, instance: c.req.path, ...(requestId ? { requestId } : {}) };
  // c.body keeps the headers middleware already set (X-Request-Id, rate-limit headers).
  return c.body(JSON.stringify(body), problem.status, { ...headers, "Content-Type": PROBLEM_CONTENT_TYPE });
}

/** Unknown routes are problems too, so clients parse one error shape. */
export const notFound: NotFoundHandler = (c) =>
  problemResponse(c, new ProblemError(404, "not-found", `No route matches ${c.req.method} ${c.req.path}.`).toProblem());

/**
 * The single exit for thrown errors. Known problems keep their status; a dependency that is down
 * or past its deadline is a 503 with Retry-After; anything else is a 500. Details of both stay in
 * the log, tied to the response by the request id.
 */
export const onError: ErrorHandler = (error, c) => {
  if (error instanceof ProblemError) return problemResponse(c, error.toProblem(), error.headers);
  if (error instanceof HTTPException && error.status < 500) {
    const status = error.status as ContentfulStatusCode;
    return problemResponse(c, new ProblemError(status, "http-error", error.message || undefined).toProblem());
  }
  if (isOutage(error)) {
    log("warn", "dependency unavailable", { requestId: c.get("requestId"), path: c.req.path, ...describeError(error) });
    const problem = unavailable("A service this API depends on");
    return problemResponse(c, problem.toProblem(), problem.headers);
  }
  log("error", "unhandled error", { requestId: c.get("requestId"), path: c.req.path, ...describeError(error) });
  return problemResponse(
    c,
    new ProblemError(500, "internal", "The server failed to handle the request. Quote the request id when reporting it.").toProblem(),
  );
};
