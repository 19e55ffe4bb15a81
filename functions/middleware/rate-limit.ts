import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { endTime, startTime } from "hono/timing";
import { addressKey } from "../../core/codecs/ip";
import { ProblemError } from "../../core/errors/problem";
import { log } from "../../core/logger";
import type { AppEnv } from "../app-env";
import { isRole } from "../auth/roles";
import { problemResponse } from "../errors/handlers";
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

/** The 429 a refusing verdict answers, with Retry-After; null when the verdict lets the request through. */
function refusal(verdict: Verdict | null, what: string): ProblemError | null {
  if (!verdict || verdict.success) return null;
  const retryAfter = secondsUntil(verdict.reset);
  return new ProblemError(
    429,
    "rate-limited",
    `Too many ${what}; retry in ${retryAfter} s.`,
    { retryAfter },
    { "Retry-After": String(retryAfter) },
  );
}

/** Answers 429 with Retry-After when the verdict refuses the request. */
export function rejectIfLimited(verdict: Verdict | null, what: string): void {
  const refused = refusal(verdict, what);
  if (refused) throw refused;
}

const limitHeaders = (verdict: Verdict): Record<string, string> => ({
  "RateLimit-Limit": String(verdict.limit),
  "RateLimit-Remaining": String(Math.max(0, verdict.remaining)),
  "RateLimit-Reset": String(secondsUntil(verdict.reset)),
});

/** Sets the RateLimit-* headers of the per-caller limit (none when the limiter failed open), then refuses with 429 if over it. */
export function answerVerdict(c: Context, verdict: Verdict | null): void {
  if (verdict) for (const [name, value] of Object.entries(limitHeaders(verdict))) c.header(name, value);
  rejectIfLimited(verdict, "requests");
}

/** Whose bucket a request counts in: the user's, the address's, or the one shared by requests with no address. */
export const rateLimitBucket = (caller: { role: string; userId: string } | null, address: string | null): [LimitedAudience, string] => {
  if (caller && isRole(caller.role)) return [caller.role, `user:${caller.userId}`];
  return address ? ["anonymous", `address:${address}`] : ["noAddress", "none"];
};

/**
 * Routes that count their request together with their cache read. A route declares it by a
 * route middleware wrapped in `countsWithCacheRead` (`requireRoleRevocationInCacheRead`): the
 * global limiter then does not spend a Redis round trip of its own before the route runs, and the
 * route's `countNow` issues the limiter's command in the same tick as its cache read, so that the
 * client's auto-pipelining sends both in one REST request (README: Analytics read API, caching).
 */
const countedWithCacheRead = new WeakSet<object>();

export function countsWithCacheRead<H extends object>(middleware: H): H {
  countedWithCacheRead.add(middleware);
  return middleware;
}

const routeCountsItself = (c: Context) => matchedRoutes(c).some(({ handler }) => countedWithCacheRead.has(handler));

interface DeferredCount {
  count: () => Promise<Verdict | null>;
  verdict?: Promise<Verdict | null>;
}

/** The deferred count of each request in flight to a route that counts itself. */
const deferredCounts = new WeakMap<Context, DeferredCount>();

/**
 * Counts the request of a route that counts itself, now, and resolves with the verdict (null: the
 * limiter failed open). The limiter's Redis command is queued before this returns: a command the
 * caller issues right after, without awaiting anything in between, joins it in one REST request.
 * Returns null (not a promise) when there is nothing to count: the request was counted already,
 * or no limiter runs in front of the route.
 */
export function countNow(c: Context): Promise<Verdict | null> | null {
  const deferred = deferredCounts.get(c);
  if (!deferred || deferred.verdict) return null;
  deferred.verdict = deferred.count();
  return deferred.verdict;
}

/**
 * A route that counts itself answered before its cache read (401, 403, 400, 404, 503): the request
 * counts all the same, and carries the RateLimit-* headers; over the limit, its answer becomes the
 * 429 it would have got with the limiter in front.
 */
async function countAfterTheFact(c: Context<AppEnv>): Promise<void> {
  startTime(c, "ratelimit");
  const verdict = await countNow(c);
  endTime(c, "ratelimit");
  if (!verdict) return;
  const refused = refusal(verdict, "requests");
  if (!refused) {
    for (const [name, value] of Object.entries(limitHeaders(verdict))) c.header(name, value);
    return;
  }
  const response = problemResponse(c, refused.toProblem(), { ...refused.headers, ...limitHeaders(verdict) });
  // Nothing of the dropped answer's reasons: a 429 says only when to come back.
  response.headers.delete("WWW-Authenticate");
  c.res = undefined; // so that the route's answer's headers are not merged into the 429
  c.res = response;
}

/**
 * The per-caller limit: by user for a valid token (its role's limit), by client address for
 * everyone else, and one strict shared bucket for requests that carry no address. Every limited
 * response carries RateLimit-Limit/-Remaining/-Reset. Asking to bypass the cache
 * (`refreshCache=true`) costs two requests: it makes the database do the work. Fails open.
 * Routes that count themselves (`countsWithCacheRead`) are counted by their cache read, or after
 * they answered if they did not reach it.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const [audience, identifier] = rateLimitBucket(c.get("credential"), clientAddress(c));
  const rate = c.req.query("refreshCache") === "true" ? 2 : 1;
  const count = () => consume(c, audience, identifier, rate);
  if (routeCountsItself(c)) {
    deferredCounts.set(c, { count });
    await next();
    if (deferredCounts.get(c)?.verdict === undefined) await countAfterTheFact(c);
    return;
  }
  startTime(c, "ratelimit");
  const verdict = await count();
  endTime(c, "ratelimit");
  answerVerdict(c, verdict);
  await next();
};
