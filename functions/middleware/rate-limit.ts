import type { Context, MiddlewareHandler } from "hono";
import { endTime, startTime } from "hono/timing";
import type { AppEnv } from "../app-env";
import { isRole } from "../auth/roles";
import { ProblemError } from "../errors/problem";
import { log } from "../logger";
import { rateLimiters, type LimitedAudience } from "../services/rate-limiters";

interface Verdict {
  success: boolean;
  limit: number;
  remaining: number;
  /** When the window frees up, ms since the epoch. */
  reset: number;
}

/**
 * The client's address as Cloudflare saw it. `CF-Connecting-IP` is set by Cloudflare's edge and
 * cannot be forged through it (unlike X-Forwarded-For); without it all anonymous callers share one bucket.
 */
export const clientAddress = (c: Context): string => c.req.header("CF-Connecting-IP") ?? "unknown";

/**
 * Counts one request of `identifier` against the audience's limiter. Resolves with the verdict,
 * or with null when the limiter failed open: Redis unreachable or slower than the timeout. The
 * limiter's analytics and multi-region writes finish in the background (`waitUntil`).
 */
export async function consume(c: Context<AppEnv>, audience: LimitedAudience, identifier: string, rate = 1): Promise<Verdict | null> {
  const limiter = rateLimiters(c.env, c.get("clients").redis)[audience];
  try {
    const result = await limiter.limit(identifier, { rate });
    c.executionCtx.waitUntil(result.pending);
    if (result.reason === "timeout") {
      log("warn", "rate limiter failed open", { requestId: c.get("requestId"), audience, reason: "timeout" });
      return null;
    }
    return result;
  } catch (error) {
    log("warn", "rate limiter failed open", { requestId: c.get("requestId"), audience, reason: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

const secondsUntil = (reset: number) => Math.max(1, Math.ceil((reset - Date.now()) / 1000));

/** Answers 429 with Retry-After when the verdict refuses the request. */
export function rejectIfLimited(verdict: Verdict | null, what: string): void {
  if (verdict && !verdict.success) {
    const retryAfter = secondsUntil(verdict.reset);
    throw new ProblemError(429, "rate-limited", `Too many ${what}; retry in ${retryAfter} s.`, { retryAfter }, { "Retry-After": String(retryAfter) });
  }
}

/**
 * The per-caller limit: by user for a valid token (its role's limit), by client address for
 * everyone else. Every limited response carries RateLimit-Limit/-Remaining/-Reset. Asking to
 * bypass the cache (`refreshCache=true`) costs two requests: it makes the database do the work.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const caller = c.get("caller");
  const audience = caller && isRole(caller.role) ? caller.role : "anonymous";
  const rate = c.req.query("refreshCache") === "true" ? 2 : 1;
  startTime(c, "ratelimit");
  const verdict = await consume(c, audience, caller ? `user:${caller.userId}` : `address:${clientAddress(c)}`, rate);
  endTime(c, "ratelimit");
  if (verdict) {
    c.header("RateLimit-Limit", String(verdict.limit));
    c.header("RateLimit-Remaining", String(Math.max(0, verdict.remaining)));
    c.header("RateLimit-Reset", String(secondsUntil(verdict.reset)));
  }
  rejectIfLimited(verdict, "requests");
  await next();
};
