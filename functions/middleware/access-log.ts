import type { MiddlewareHandler } from "hono";
import { log } from "../../core/logger";

/**
 * One structured line per request, written after the response is settled, so it carries the
 * final status (also for errors turned into problems by `onError`).
 */
export const accessLog: MiddlewareHandler = async (c, next) => {
  const started = performance.now();
  await next();
  const status = c.res.status;
  log(status >= 500 ? "error" : status >= 400 ? "warn" : "info", "request", {
    requestId: c.get("requestId"),
    method: c.req.method,
    route: c.req.routePath,
    path: c.req.path,
    status,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  });
};
