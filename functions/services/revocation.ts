import type { Redis } from "@upstash/redis/cloudflare";
import type { Caller } from "../auth/access-token";
import { log } from "../logger";

const tokenKey = (tokenId: string) => `auth:revoked:token:${tokenId}`;
const sessionKey = (sessionId: string) => `auth:revoked:session:${sessionId}`;

/** The keys whose existence means the caller's token is revoked. */
export const revocationKeys = (caller: Caller): string[] => [tokenKey(caller.tokenId), ...(caller.sessionId ? [sessionKey(caller.sessionId)] : [])];

/** Seconds a revocation entry must live: until the token it blocks would have expired anyway. */
const remaining = (expiresAt: number) => Math.max(1, expiresAt - Math.floor(Date.now() / 1000) + 60);

/** Blocks one access token until it expires. */
export async function revokeAccessToken(redis: Redis, caller: Caller): Promise<void> {
  await redis.set(tokenKey(caller.tokenId), 1, { ex: remaining(caller.expiresAt) });
}

/**
 * Blocks every access token issued in a login session (after refresh-token reuse, a sign of
 * theft). Entries live one access-token lifetime: no token of the session can outlive that.
 */
export async function revokeSession(redis: Redis, sessionId: string, accessTokenTtlSeconds: number): Promise<void> {
  await redis.set(sessionKey(sessionId), 1, { ex: accessTokenTtlSeconds + 60 });
}

/**
 * Has the caller's token, or its session, been revoked? One round trip. When Redis cannot be
 * reached the answer is "no" (logged): an outage must not lock every user out, and the
 * exposure is bounded by the 15-minute token lifetime.
 */
export async function isRevoked(redis: Redis, caller: Caller, requestId: string): Promise<boolean> {
  try {
    return (await redis.exists(...revocationKeys(caller))) > 0;
  } catch (error) {
    log("warn", "revocation check failed open", { requestId, error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}
