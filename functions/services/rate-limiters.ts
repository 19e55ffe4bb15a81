import { Ratelimit, type Duration } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Role } from "../auth/roles";
import type { Env } from "../env";

export type LimitedAudience = Role | "anonymous" | "loginAccount" | "loginAddress";

const limiters = new WeakMap<Env, Record<LimitedAudience, Ratelimit>>();

/**
 * This isolate's limiters, one per audience, created once: each keeps an ephemeral cache of
 * identifiers already over their limit, which saves Redis calls while someone hammers the API.
 */
export function rateLimiters(env: Env, redis: Redis): Record<LimitedAudience, Ratelimit> {
  let set = limiters.get(env);
  if (!set) {
    const window = env.RATE_LIMIT_WINDOW as Duration;
    const build = (audience: LimitedAudience, limit: number) =>
      new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(limit, window),
        prefix: `ratelimit:${audience}`,
        ephemeralCache: new Map(),
        timeout: env.RATE_LIMIT_TIMEOUT_MS,
        analytics: false,
      });
    set = {
      learner: build("learner", env.RATE_LIMIT_LEARNER),
      trainer: build("trainer", env.RATE_LIMIT_TRAINER),
      org_admin: build("org_admin", env.RATE_LIMIT_ORG_ADMIN),
      anonymous: build("anonymous", env.RATE_LIMIT_ANONYMOUS),
      loginAccount: build("loginAccount", env.LOGIN_RATE_LIMIT_ACCOUNT),
      loginAddress: build("loginAddress", env.LOGIN_RATE_LIMIT_ADDRESS),
    };
    limiters.set(env, set);
  }
  return set;
}
