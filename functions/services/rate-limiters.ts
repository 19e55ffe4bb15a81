import { type Duration, Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "../../core/env";
import type { Role } from "../auth/roles";

/**
 * Who or what a limiter counts:
 * - a role (per user) and `anonymous` (per client address; `noAddress` for requests without one);
 * - sign-in: `loginAddress` every attempt per address, `loginPair` failures per (account, address),
 *   `loginAccount` failures per account from everywhere (the broad-attack ceiling);
 * - costly work: `webhook` deliveries per service, `reportGenerate` and `analyticsRefresh` per user.
 */
export type LimitedAudience =
  | Role
  | "anonymous"
  | "noAddress"
  | "loginAddress"
  | "loginPair"
  | "loginAccount"
  | "webhook"
  | "reportGenerate"
  | "analyticsRefresh";

const limiters = new WeakMap<Env, Record<LimitedAudience, Ratelimit>>();

/** Each audience's limit per `RATE_LIMIT_WINDOW`, from configuration. */
const limits = (env: Env): Record<LimitedAudience, number> => ({
  learner: env.RATE_LIMIT_LEARNER,
  trainer: env.RATE_LIMIT_TRAINER,
  org_admin: env.RATE_LIMIT_ORG_ADMIN,
  anonymous: env.RATE_LIMIT_ANONYMOUS,
  noAddress: env.RATE_LIMIT_NO_ADDRESS,
  loginAddress: env.LOGIN_FAILURE_LIMIT_ADDRESS,
  loginPair: env.LOGIN_FAILURE_LIMIT_PAIR,
  loginAccount: env.LOGIN_FAILURE_LIMIT_ACCOUNT,
  webhook: env.WEBHOOK_RATE_LIMIT,
  reportGenerate: env.REPORT_RATE_LIMIT,
  analyticsRefresh: env.REFRESH_RATE_LIMIT,
});

/**
 * This isolate's limiters, one per audience, created once: each keeps an ephemeral cache of
 * identifiers already over their limit, which saves Redis calls while someone hammers the API.
 */
export function rateLimiters(env: Env, redis: Redis): Record<LimitedAudience, Ratelimit> {
  let set = limiters.get(env);
  if (!set) {
    const window = env.RATE_LIMIT_WINDOW as Duration;
    const entries = Object.entries(limits(env)).map(([audience, limit]) => [
      audience,
      new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(limit, window),
        prefix: `ratelimit:${audience}`,
        ephemeralCache: new Map(),
        timeout: env.RATE_LIMIT_TIMEOUT_MS,
        analytics: false,
      }),
    ]);
    set = Object.fromEntries(entries) as Record<LimitedAudience, Ratelimit>;
    limiters.set(env, set);
  }
  return set;
}
