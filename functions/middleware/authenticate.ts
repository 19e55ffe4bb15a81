import type { MiddlewareHandler } from "hono";
import { endTime, startTime } from "hono/timing";
import { ProblemError } from "../../core/errors/problem";
import type { AppEnv } from "../app-env";
import { unauthorized, verifyAccessToken } from "../auth/access-token";

/** RFC 6750 b64token syntax. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Establishes who is calling from the token's signature and claims. It never answers by itself:
 * a missing or bad token leaves the caller anonymous and the reason in `authError`, so the rate
 * limiter still counts the request (per client address) and `requireRole` turns the reason into
 * the 401. Revocation (a Redis lookup) is checked later, by `requireRole` or by the cache read.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("credential", null);
  const header = c.req.header("Authorization");
  if (header === undefined) {
    c.set("authError", unauthorized("An access token is required.", false));
    return next();
  }
  const match = BEARER.exec(header);
  if (!match) {
    c.set("authError", unauthorized("The Authorization header must be `Bearer <token>`."));
    return next();
  }
  try {
    startTime(c, "auth");
    c.set("credential", await verifyAccessToken(c.env, match[1]!));
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    c.set("authError", error);
  } finally {
    endTime(c, "auth");
  }
  await next();
};
