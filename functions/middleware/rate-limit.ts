import type { Context, MiddlewareHandler } from "hono";
import { endTime, startTime } from "hono/timing";
import { addressKey } from "../../core/codecs/ip";
import { ProblemError } from "../../core/errors/problem";
import { log } from "../../core/logger";
import type { AppEnv } from "../app-env";
import { isRole } from "../auth/roles";
import { type LimitedAudience, rateLimiters } from "../services/rate-limiters";

export interface Verdict {
  success: boolean;
  limit: number;
  remaining: number;
  /** When the window frees up, ms since the epoch. */
  reset: number;
}

/**
 * The key the client's address is counted under, or null when the request carries none.
 * `CF-Connecting-IP` is set by Cloudflare's edge and cannot be forged through it (unlike
 * X-Forwarded-For); IPv6 addresses count by their /64 (see `addressKey`).
 */
export const clientAddress = (c: Context): string | null => {
  const header = c.req.header("CF-Connecting-IP");
  return header === undefined ? null : addressKey(header);
};

const failedOpen = <E extends AppEnv>(c: Context<E>, audience: LimitedAudience, error: unknown) =>
  log("warn", "rate limiter failed open", {
    requestId: c.get("requestId"),
    audience,
    reason: error instanceof Error ? error.message : String(error),
  });

/**
 * Counts one request of `identifier` against the audience's limiter. Resolves with the verdict,
 * or with null when the limiter could not answer: Redis unreachable or slower than the timeout
 * (the caller decides whether that fails open or closed). The limiter's background writes finish
 * through `waitUntil`.
 */
export async function consume<E extends AppEnv>(
  c: Context<E>,
  audience: LimitedAudience,
  identifier: string,
  rate = 1,
): Promise<Verdict | null> {
  const limiter = rateLimiters(c.env, c.get("clients").redis)[audience];
  try {
    const result = await limiter.limit(identifier, { rate });
    c.executionCtx.waitUntil(result.pending);
    if (result.reason === "timeout") {
      failedOpen(c, audience, "timeout");
      return null;
    }
    return result;
  } catch (error) {
    failedOpen(c, audience, error);
    return null;
  }
}

/** The audience's verdict for `identifier` without counting anything; null when Redis cannot answer. */
export async function peek<E extends AppEnv>(c: Context<E>, audience: LimitedAudience, identifier: string): Promise<Verdict | null> {
  try {
    const { remaining, reset, limit } = await rateLimiters(c.env, c.get("clients").redis)[audience].getRemaining(identifier);
    return { success: remaining > 0, remaining, reset, limit };
  } catch (error) {
    log("warn", "rate limiter could not be read", {
      requestId: c.get("requestId"),
      audience,
      reason: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}

const secondsUntil = (reset: number) => Math.max(1, Math.ceil((reset - Date.now()) / 1000));

/** Answers 429 with Retry-After when the verdict refuses the request. */
export function rejectIfLimited(verdict: Verdict | null, what: string): void {
  if (verdict && !verdict.success) {
    const retryAfter = secondsUntil(verdict.reset);
    throw new ProblemError(
      429,
      "rate-limited",
      `Too many ${what}; retry in ${retryAfter} s.`,
      { retryAfter },
      { "Retry-After": String(retryAfter) },
    );
  }
}

/** Whose bucket a request counts in: the user's, the address's, or the one shared by requests with no address. */
export const rateLimitBucket = (caller: { role: string; userId: string } | null, address: string | null): [LimitedAudience, string] => {
  if (caller && isRole(caller.role)) return [caller.role, `user:${caller.userId}`];
  return address ? ["anonymous", `address:${address}`] : ["noAddress", "none"];
};

/**
 * The per-caller limit: by user for a valid token (its role's limit), by client address for
 * everyone else, and one strict shared bucket for requests that carry no address. Every limited
 * response carries RateLimit-Limit/-Remaining/-Reset. Asking to bypass the cache
 * (`refreshCache=true`) costs two requests: it makes the database do the work. Fails open.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const [audience, identifier] = rateLimitBucket(c.get("credential"), clientAddress(c));
  const rate = c.req.query("refreshCache") === "true" ? 2 : 1;
  startTime(c, "ratelimit");
  const verdict = await consume(c, audience, identifier, rate);
  endTime(c, "ratelimit");
  if (verdict) {
    c.header("RateLimit-Limit", String(verdict.limit));
    c.header("RateLimit-Remaining", String(Math.max(0, verdict.remaining)));
    c.header("RateLimit-Reset", String(secondsUntil(verdict.reset)));
  }
  rejectIfLimited(verdict, "requests");
  await next();
};
