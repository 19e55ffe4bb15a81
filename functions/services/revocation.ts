import type { Redis } from "@upstash/redis/cloudflare";
import { log } from "../../core/logger";
import { anyRevoked, liveRevocations, type Revocation, type RevokedSubject, recordRevocations } from "../../db/queries/access-revocations";
import type { Caller } from "../auth/access-token";
import type { Clients } from "./clients";

/**
 * Revocation has two homes. Postgres is the record: a logout or a refresh-token reuse is written
 * there first, so an outage of Redis cannot undo it. Redis holds a copy for the per-request check
 * (one EXISTS, or folded into the cache read); when Redis cannot answer, the check reads Postgres.
 * A copy that could not be written (Redis was down) is written by the minutely mirror.
 */

const redisKey = ({ kind, subjectId }: RevokedSubject) => `auth:revoked:${kind}:${subjectId}`;

/** What may block the caller's token: the token itself, and its login session. */
const subjectsOf = (caller: Caller): RevokedSubject[] => [
  { kind: "token", subjectId: caller.tokenId },
  ...(caller.sessionId ? [{ kind: "session" as const, subjectId: caller.sessionId }] : []),
];

/** The Redis keys whose existence means the caller's token is revoked. */
export const revocationKeys = (caller: Caller): string[] => subjectsOf(caller).map(redisKey);

/** Access tokens are accepted up to this long past their expiry (the verifier's clock tolerance). */
const CLOCK_TOLERANCE_MS = 60_000;

/** Revokes one access token until it has expired. */
export const tokenRevocation = (caller: Caller): Revocation => ({
  kind: "token",
  subjectId: caller.tokenId,
  expiresAt: new Date(caller.expiresAt * 1000 + CLOCK_TOLERANCE_MS),
});

/** Revokes every access token of a login session: none issued before now outlives one lifetime. */
export const sessionRevocation = (sessionId: string, accessTokenTtlSeconds: number, now: Date): Revocation => ({
  kind: "session",
  subjectId: sessionId,
  expiresAt: new Date(now.getTime() + accessTokenTtlSeconds * 1000 + CLOCK_TOLERANCE_MS),
});

/** Copies revocations to Redis, each living until its own expiry. */
async function copyToRedis(redis: Redis, revocations: Revocation[], now: Date): Promise<void> {
  const live = revocations.filter((revocation) => revocation.expiresAt.getTime() > now.getTime());
  if (live.length === 0) return;
  const pipeline = redis.pipeline();
  for (const revocation of live) pipeline.set(redisKey(revocation), 1, { px: revocation.expiresAt.getTime() - now.getTime() });
  await pipeline.exec();
}

/**
 * Records revocations in Postgres (a failure there is the caller's error: nothing was revoked),
 * then copies them to Redis. A failed copy is logged, not fatal: until the mirror writes it, the
 * Redis check misses it only if Redis answers again within the minute.
 */
export async function revoke({ db, redis }: Clients, revocations: Revocation[], requestId: string): Promise<void> {
  await recordRevocations(db, revocations);
  const now = new Date();
  await copyToRedis(redis, revocations, now).catch((error: unknown) =>
    log("warn", "revocation recorded in Postgres, not yet in Redis; the mirror will copy it", { requestId, error: errorText(error) }),
  );
}

/**
 * Has the caller's token, or its session, been revoked? Redis answers in one round trip; when
 * it cannot (down, or past its deadline), Postgres answers (fails closed if both are down: the
 * database error becomes a 503).
 */
export async function isRevoked(clients: Clients, caller: Caller, requestId: string): Promise<boolean> {
  try {
    return (await clients.redis.exists(...revocationKeys(caller))) > 0;
  } catch (error) {
    log("warn", "revocation check: Redis unavailable, asking Postgres", { requestId, error: errorText(error) });
    return revokedInPostgres(clients, caller);
  }
}

/** The revocation check against the record, for when Redis could not be asked. */
export const revokedInPostgres = ({ db }: Clients, caller: Caller): Promise<boolean> => anyRevoked(db, subjectsOf(caller));

/** The most revocations one mirror pass copies; they live 16 minutes, so this is ample headroom. */
const MIRROR_LIMIT = 10_000;

/**
 * Writes every revocation still in force to Redis again: one that could not be copied during an
 * outage, and all of them after Redis lost its data. Runs every minute (`wrangler.toml` crons).
 */
export async function mirrorRevocations(clients: Clients, now: Date): Promise<number> {
  const live = await liveRevocations(clients.db, now, MIRROR_LIMIT);
  await copyToRedis(clients.redis, live, now);
  return live.length;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
