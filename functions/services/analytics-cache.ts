import type { Redis } from "@upstash/redis/cloudflare";
import { toHex } from "../../core/codecs/hex";
import { log } from "../../core/logger";
import { type CacheSubject, versionKey } from "../../jobs/cache-versions";

/** Cached answers live 24 h; a refresh invalidates them sooner by moving their subject's version. */
export const CACHE_TTL_SECONDS = 24 * 3600;

export interface CachedAnswer {
  etag: string;
  body: string;
}

/**
 * Who is building the answer the cache does not hold: `mine` (this read took the subject's build
 * lock), `held` (another request holds it), `free` (nobody does), `unasked` (the read did not ask).
 */
export type BuildLock = "mine" | "held" | "free" | "unasked";

export interface CacheRead {
  revoked: boolean;
  /** The subject's current version: a fresh answer is stored for it (and only while it is current). */
  version: string;
  entry: CachedAnswer | null;
  lock: BuildLock;
}

/**
 * How a read treats the build lock on a miss: `take` it when it is free (the first reader of a miss
 * builds, the others wait), `peek` whether someone holds it (a waiting reader), or `ignore` it (a
 * refresh rebuilds regardless).
 */
export type LockMode = "take" | "peek" | "ignore";

export interface ReadOptions {
  /** Keys whose existence means the caller's token is revoked (none on a re-read). */
  revocationKeys: string[];
  lock: LockMode;
  /** This request's lock token: only its holder releases the lock. */
  token: string;
  lockTtlMs: number;
}

/*
 * Keys. Every key a script touches is passed in KEYS, so Upstash can lock just those keys
 * (`allow-key-locking`) instead of taking its global lock, and rejects a script that strays:
 *
 *   cache:version:<kind>:<id>                  the subject's version (jobs/cache-versions.ts)
 *   analytics:<kind>:<id>:<range>:<variant>    the entry: "v<version>\n" + JSON {etag, body}
 *   lock:analytics:<kind>:<id>:<range>:<variant>  the build lock (SET NX PX, a request's token)
 *
 * The entry's key does not depend on the version (it used to: ":v<version>" built inside the
 * script from the version it had just read, a key the caller could not name). Each subject and
 * variant has one entry, stamped with the version it was built for; the script compares the stamp
 * with the version it reads in the same call, so an entry of an older version is a miss, exactly
 * as a lookup under the new version's key was. A write stores the answer only while the version it
 * was built for is still current (a build racing an invalidation never stores stale figures), and
 * overwrites the older entry in place (no more one orphan per version until its TTL).
 */
const entryKey = ({ kind, id }: CacheSubject, variant: string) => `analytics:${kind}:${id}:${variant}`;
const lockKey = (subject: CacheSubject, variant: string) => `lock:${entryKey(subject, variant)}`;

/**
 * One call, atomic: are any of the caller's revocation keys set; the subject's version; the entry
 * if it was built for that version; and on a miss, the build lock (taken, or looked at).
 * KEYS: revocation keys (ARGV[1] of them), version, entry, lock. ARGV: count, mode, token, ttl ms.
 * Returns {revoked, version, entry or '', lock}.
 */
export const READ_SCRIPT = `#!lua flags=allow-key-locking
local revocations = tonumber(ARGV[1])
for i = 1, revocations do
  if redis.call('EXISTS', KEYS[i]) == 1 then return {1, '', '', 'unasked'} end
end
local versionKey, entryKey, lockKey = KEYS[revocations + 1], KEYS[revocations + 2], KEYS[revocations + 3]
local version = redis.call('GET', versionKey) or '0'
local entry = redis.call('GET', entryKey)
local stamp = 'v' .. version .. '\\n'
if entry and string.sub(entry, 1, #stamp) == stamp then return {0, version, string.sub(entry, #stamp + 1), 'unasked'} end
local mode = ARGV[2]
if mode == 'take' then
  if redis.call('SET', lockKey, ARGV[3], 'NX', 'PX', ARGV[4]) then return {0, version, '', 'mine'} end
  return {0, version, '', 'held'}
elseif mode == 'peek' then
  if redis.call('EXISTS', lockKey) == 1 then return {0, version, '', 'held'} end
  return {0, version, '', 'free'}
end
return {0, version, '', 'unasked'}
`;

/**
 * Stores an answer if the version it was built for is still current, and releases the build lock
 * if this request's token holds it; either part may be empty (ARGV[2] '' stores nothing, ARGV[4] ''
 * releases nothing). KEYS: version, entry, lock. ARGV: version, answer JSON, TTL s, token.
 */
export const WRITE_SCRIPT = `#!lua flags=allow-key-locking
local stored = 0
if ARGV[2] ~= '' and (redis.call('GET', KEYS[1]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[2], 'v' .. ARGV[1] .. '\\n' .. ARGV[2], 'EX', ARGV[3])
  stored = 1
end
if ARGV[4] ~= '' and redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
return stored
`;

/**
 * A script issued without awaiting anything first: the command is queued on the client's
 * auto-pipeline in the same tick as the call, so a command issued next to it (the rate limiter's)
 * travels in the same REST request. Until one call of this isolate has gone through, it sends EVAL
 * with the text (which also loads it into Redis: no EVALSHA answered NOSCRIPT, which would cost a
 * second round trip); then EVALSHA with the SHA-1, falling back to EVAL after a NOSCRIPT (Redis
 * restarted or flushed its scripts).
 */
class Script {
  #sha: string | undefined;
  #loaded = false;

  constructor(readonly text: string) {
    void crypto.subtle.digest("SHA-1", new TextEncoder().encode(text)).then((digest) => {
      this.#sha = toHex(new Uint8Array(digest));
    });
  }

  run(redis: Redis, keys: string[], args: string[]): Promise<unknown> {
    const evaluate = () =>
      redis.eval(this.text, keys, args).then((reply) => {
        this.#loaded = true;
        return reply;
      });
    if (!this.#loaded || !this.#sha) return evaluate();
    return redis.evalsha(this.#sha, keys, args).catch((error: unknown) => {
      if (error instanceof Error && error.message.includes("NOSCRIPT")) return evaluate();
      throw error;
    });
  }
}

let scripts: { read: Script; write: Script } | undefined;
const script = (name: "read" | "write") => {
  scripts ??= { read: new Script(READ_SCRIPT), write: new Script(WRITE_SCRIPT) };
  return scripts[name];
};

/** The client JSON-parses strings that look like JSON: the entry arrives parsed or as text. */
const asAnswer = (entry: unknown): CachedAnswer | null => {
  if (entry === "" || entry === null || entry === undefined) return null;
  return typeof entry === "string" ? (JSON.parse(entry) as CachedAnswer) : (entry as CachedAnswer);
};

/**
 * Reads the cache for a subject and checks the caller's revocation in the same call, issuing it
 * at once (see `Script`). Null when Redis cannot be reached: the caller then answers from Postgres
 * (X-Cache: BYPASS).
 */
export function readCache(
  redis: Redis,
  subject: CacheSubject,
  variant: string,
  options: ReadOptions,
  requestId: string,
): Promise<CacheRead | null> {
  const { revocationKeys, lock, token, lockTtlMs } = options;
  return script("read")
    .run(
      redis,
      [...revocationKeys, versionKey(subject), entryKey(subject, variant), lockKey(subject, variant)],
      [String(revocationKeys.length), lock, token, String(lockTtlMs)],
    )
    .then((reply) => {
      const [revoked, version, entry, held] = reply as [number, string | number, unknown, BuildLock];
      return { revoked: revoked === 1, version: String(version), entry: asAnswer(entry), lock: held };
    })
    .catch((error: unknown) => {
      log("warn", "cache unavailable; answering from Postgres", { requestId, error: errorText(error) });
      return null;
    });
}

/**
 * Stores an answer for `version` (only if that is still the subject's version) and releases this
 * request's build lock; `answer` null only releases, `token` null only stores. Never throws: the
 * response does not depend on it (it runs in the background, through waitUntil).
 */
export async function writeCache(
  redis: Redis,
  subject: CacheSubject,
  variant: string,
  version: string,
  answer: CachedAnswer | null,
  token: string | null,
): Promise<void> {
  try {
    await script("write").run(
      redis,
      [versionKey(subject), entryKey(subject, variant), lockKey(subject, variant)],
      [version, answer ? JSON.stringify(answer) : "", String(CACHE_TTL_SECONDS), token ?? ""],
    );
  } catch (error) {
    log("warn", "cache write failed", { key: entryKey(subject, variant), error: errorText(error) });
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
