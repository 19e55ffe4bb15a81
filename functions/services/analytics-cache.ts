import type { Redis } from "@upstash/redis/cloudflare";
import { log } from "../../core/logger";
import { type CacheSubject, versionKey } from "../../jobs/cache-versions";

/** Cached answers live 24 h; a refresh invalidates them sooner by moving their subject's version. */
export const CACHE_TTL_SECONDS = 24 * 3600;

export interface CachedAnswer {
  etag: string;
  body: string;
}

export interface CacheRead {
  revoked: boolean;
  /** The entry's key under the subject's current version (where a fresh answer is written). */
  key: string;
  entry: CachedAnswer | null;
}

/**
 * One round trip: are any of the caller's revocation keys set; what is the subject's version;
 * and the answer cached under that version. The key is built inside the script from the version
 * it just read (single-instance Redis; Upstash runs scripts on one primary).
 */
const READ_SCRIPT = `
local revocations = tonumber(ARGV[1])
for i = 1, revocations do
  if redis.call('EXISTS', KEYS[i]) == 1 then return {1, '', false} end
end
local version = redis.call('GET', KEYS[revocations + 1]) or '0'
local key = ARGV[2] .. ':v' .. version .. ':' .. ARGV[3]
return {0, key, redis.call('GET', key)}
`;

const scripts = new WeakMap<Redis, ReturnType<Redis["createScript"]>>();

const keyPrefix = ({ kind, id }: CacheSubject) => `analytics:${kind}:${id}`;

/**
 * Reads the cache for a subject and checks the caller's revocation in the same round trip.
 * Null when Redis cannot be reached: the caller then answers from Postgres (X-Cache: BYPASS).
 */
export async function readCache(
  redis: Redis,
  subject: CacheSubject,
  variant: string,
  revocationKeys: string[],
  requestId: string,
): Promise<CacheRead | null> {
  let script = scripts.get(redis);
  if (!script) scripts.set(redis, (script = redis.createScript(READ_SCRIPT)));
  try {
    const [revoked, key, entry] = (await script.exec(
      [...revocationKeys, versionKey(subject)],
      [String(revocationKeys.length), keyPrefix(subject), variant],
    )) as [number, string, CachedAnswer | string | null];
    return { revoked: revoked === 1, key, entry: typeof entry === "string" ? (JSON.parse(entry) as CachedAnswer) : (entry ?? null) };
  } catch (error) {
    log("warn", "cache unavailable; answering from Postgres", { requestId, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/** Stores an answer under the key the read returned (in the background: the response does not wait). */
export async function writeCache(redis: Redis, key: string, answer: CachedAnswer): Promise<void> {
  try {
    await redis.set(key, JSON.stringify(answer), { ex: CACHE_TTL_SECONDS });
  } catch (error) {
    log("warn", "cache write failed", { key, error: error instanceof Error ? error.message : String(error) });
  }
}
