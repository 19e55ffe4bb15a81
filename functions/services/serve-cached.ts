import type { Redis } from "@upstash/redis/cloudflare";
import type { Context } from "hono";
import { endTime, startTime } from "hono/timing";
import { sha256Hex } from "../../core/codecs/digest";
import type { CacheSubject } from "../../jobs/cache-versions";
import type { AuthenticatedEnv } from "../app-env";
import { unauthorized } from "../auth/access-token";
import { answerVerdict, countNow } from "../middleware/rate-limit";
import { type CachedAnswer, type CacheRead, readCache, writeCache } from "./analytics-cache";
import { revocationKeys, revokedInPostgres } from "./revocation";

export interface Built {
  body: unknown;
  /** A pending (empty) answer is not cached: the next request should see the run's result. */
  cacheable: boolean;
  /** For a pending answer: when to ask again (sent as Retry-After; the body says it too). */
  retryAfterSeconds?: number;
}

/**
 * Single flight of misses. The first reader of a miss takes the subject's build lock (in the same
 * script as the read) and builds from Postgres; readers that find the lock held re-read the cache
 * until the builder's answer is there, then answer from it (X-Cache: HIT). A waiter stops waiting
 * and builds the answer itself (MISS) when the lock is gone without an answer (the builder's
 * answer was not cacheable, its build failed, or the subject's version moved while it built), when
 * Redis stops answering, or after MAX_WAIT_MS. The lock expires after BUILD_LOCK_TTL_MS, so a
 * builder that crashed delays the readers that arrive in that window by at most MAX_WAIT_MS each,
 * and the first reader after it builds again. Without Redis there is no lock: every request
 * answers from Postgres (BYPASS), as it did before.
 */
export const BUILD_LOCK_TTL_MS = 3_000;
export const MAX_WAIT_MS = 1_000;
const FIRST_POLL_MS = 10;
const LONGEST_POLL_MS = 100;

function respond(c: Context<AuthenticatedEnv>, answer: CachedAnswer, cache: "HIT" | "MISS" | "BYPASS"): Response {
  const headers = { ETag: answer.etag, "X-Cache": cache, "Cache-Control": "private, no-cache", Vary: "Authorization" };
  const match = c.req.header("If-None-Match");
  if (match && match.split(",").some((tag) => tag.trim().replace(/^W\//, "") === answer.etag)) return c.body(null, 304, headers);
  return c.body(answer.body, 200, { ...headers, "Content-Type": "application/json" });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits for the request holding the build lock: re-reads (one REST request each, backing off from
 * FIRST_POLL_MS to LONGEST_POLL_MS) until the entry is there, the lock is gone or MAX_WAIT_MS have
 * passed. Returns the entry if it came, and the subject's latest known version.
 */
async function waitForBuilder(
  c: Context<AuthenticatedEnv>,
  redis: Redis,
  subject: CacheSubject,
  variant: string,
  first: CacheRead,
  token: string,
): Promise<CacheRead> {
  startTime(c, "wait");
  const deadline = Date.now() + MAX_WAIT_MS;
  let latest = first;
  try {
    for (let pause = FIRST_POLL_MS; Date.now() + pause <= deadline; pause = Math.min(2 * pause, LONGEST_POLL_MS)) {
      await sleep(pause);
      const options = { revocationKeys: [], lock: "peek" as const, token, lockTtlMs: BUILD_LOCK_TTL_MS };
      const again = await readCache(redis, subject, variant, options, c.get("requestId"));
      if (!again) break;
      latest = again;
      if (again.entry || again.lock !== "held") break;
    }
  } finally {
    endTime(c, "wait");
  }
  return latest;
}

/**
 * Answers an analytics request from the cache when it can, else from Postgres (`build`), writing
 * the fresh answer back in the background. One REST request to Redis carries the rate limiter's
 * count, the caller's revocation check and the cache read (with the build lock on a miss): the
 * limiter's command and the read script are issued in the same tick, with nothing awaited in
 * between, and the Redis client's auto-pipelining sends the commands queued in one tick as one
 * `/pipeline` request. Without Redis the answer, and the revocation check, come from Postgres
 * (X-Cache: BYPASS); `refresh` bypasses and rewrites the entry. Misses are single-flight (above).
 */
export async function serveCached(
  c: Context<AuthenticatedEnv>,
  subject: CacheSubject,
  variant: string,
  refresh: boolean,
  build: () => Promise<Built>,
): Promise<Response> {
  const clients = c.get("clients");
  const redis = clients.redis;
  const caller = c.get("caller");
  const token = crypto.randomUUID();
  const options = {
    revocationKeys: revocationKeys(caller),
    lock: refresh ? ("ignore" as const) : ("take" as const),
    token,
    lockTtlMs: BUILD_LOCK_TTL_MS,
  };

  // Nothing may be awaited between these two calls: both commands must be queued in this tick.
  const counting = countNow(c);
  const reading = readCache(redis, subject, variant, options, c.get("requestId"));
  // One round trip carries both: each metric is the time until both answered.
  if (counting) startTime(c, "ratelimit");
  startTime(c, "cache");
  const [verdict, read] = await Promise.all([counting, reading]);
  if (counting) endTime(c, "ratelimit");
  endTime(c, "cache");

  const mine = read?.lock === "mine";
  /** Gives the build lock back (in the background) when this request will not build after all. */
  const release = () => {
    if (read && mine) c.executionCtx.waitUntil(writeCache(redis, subject, variant, read.version, null, token));
  };
  try {
    if (counting) answerVerdict(c, verdict ?? null);
  } catch (refused) {
    release();
    throw refused;
  }
  // Without Redis the revocation check did not happen: the record in Postgres answers it.
  const revoked = read ? read.revoked : await revokedInPostgres(clients, caller);
  if (revoked) throw unauthorized("The access token has been revoked.");
  if (read?.entry && !refresh) return respond(c, read.entry, "HIT");

  const latest = read?.lock === "held" ? await waitForBuilder(c, redis, subject, variant, read, token) : read;
  if (latest?.entry && !refresh) return respond(c, latest.entry, "HIT");

  startTime(c, "db");
  let built: Built;
  try {
    built = await build();
  } catch (error) {
    release();
    throw error;
  } finally {
    endTime(c, "db");
  }
  if (built.retryAfterSeconds !== undefined) c.header("Retry-After", String(built.retryAfterSeconds));
  const text = JSON.stringify(built.body);
  const answer = { etag: `"${(await sha256Hex(text)).slice(0, 32)}"`, body: text };
  if (latest && (built.cacheable || mine)) {
    c.executionCtx.waitUntil(writeCache(redis, subject, variant, latest.version, built.cacheable ? answer : null, mine ? token : null));
  }
  return respond(c, answer, read && !refresh ? "MISS" : "BYPASS");
}
