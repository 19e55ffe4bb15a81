import type { Context } from "hono";
import { endTime, startTime } from "hono/timing";
import { sha256Hex } from "../../core/codecs/digest";
import type { CacheSubject } from "../../jobs/cache-versions";
import type { AuthenticatedEnv } from "../app-env";
import { unauthorized } from "../auth/access-token";
import { type CachedAnswer, readCache, writeCache } from "./analytics-cache";
import { revocationKeys, revokedInPostgres } from "./revocation";

export interface Built {
  body: unknown;
  /** A pending (empty) answer is not cached: the next request should see the run's result. */
  cacheable: boolean;
}

function respond(c: Context<AuthenticatedEnv>, answer: CachedAnswer, cache: "HIT" | "MISS" | "BYPASS"): Response {
  const headers = { ETag: answer.etag, "X-Cache": cache, "Cache-Control": "private, no-cache", Vary: "Authorization" };
  const match = c.req.header("If-None-Match");
  if (match && match.split(",").some((tag) => tag.trim().replace(/^W\//, "") === answer.etag)) return c.body(null, 304, headers);
  return c.body(answer.body, 200, { ...headers, "Content-Type": "application/json" });
}

/**
 * Answers an analytics request from the cache when it can, else from Postgres (`build`), writing
 * the fresh answer back in the background. The cache read also checks the caller's revocation,
 * so a cached answer costs one Redis round trip besides the rate limiter's. Without Redis the
 * answer, and the revocation check, come from Postgres (X-Cache: BYPASS); `refresh` bypasses
 * and rewrites the entry.
 */
export async function serveCached(
  c: Context<AuthenticatedEnv>,
  subject: CacheSubject,
  variant: string,
  refresh: boolean,
  build: () => Promise<Built>,
): Promise<Response> {
  const clients = c.get("clients");
  const caller = c.get("caller");
  startTime(c, "cache");
  const read = await readCache(clients.redis, subject, variant, revocationKeys(caller), c.get("requestId"));
  endTime(c, "cache");
  // Without Redis the revocation check did not happen: the record in Postgres answers it.
  const revoked = read ? read.revoked : await revokedInPostgres(clients, caller);
  if (revoked) throw unauthorized("The access token has been revoked.");
  if (read?.entry && !refresh) return respond(c, read.entry, "HIT");

  startTime(c, "db");
  const { body, cacheable } = await build();
  endTime(c, "db");
  const text = JSON.stringify(body);
  const answer = { etag: `"${(await sha256Hex(text)).slice(0, 32)}"`, body: text };
  if (read && cacheable) c.executionCtx.waitUntil(writeCache(clients.redis, read.key, answer));
  return respond(c, answer, read && !refresh ? "MISS" : "BYPASS");
}
