import { randomUUID } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import type { Redis as WorkerRedis } from "@upstash/redis/cloudflare";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { redisServerOnPath } from "../../dev/upstash-redis/backend";
import { startUpstashRedis } from "../../dev/upstash-redis/server";
import { bumpVersions, type CacheSubject } from "../../jobs/cache-versions";
import { type LockMode, readCache, writeCache } from "./analytics-cache";

const TOKEN = "local-test-token";
const backends = [...(redisServerOnPath() ? ["redis-server" as const] : []), "embedded" as const];

describe.each(backends)("the analytics cache scripts, on the Upstash stand-in (%s)", (backend) => {
  let redis: WorkerRedis;
  let close: () => Promise<void>;
  const requests: string[] = [];

  beforeAll(async () => {
    const standIn = await startUpstashRedis({
      token: TOKEN,
      backend,
      log: (entry) => entry.event === "upstash-redis.request" && requests.push(String(entry.path)),
    });
    close = standIn.close;
    redis = new Redis({ url: standIn.url, token: TOKEN, enableAutoPipelining: true }) as unknown as WorkerRedis;
  });
  afterAll(() => close());

  let subject: CacheSubject;
  beforeEach(() => {
    subject = { kind: "learner", id: randomUUID() };
  });
  const read = (lock: LockMode, token = "reader", revocationKeys: string[] = []) =>
    readCache(redis, subject, "30d:plain", { revocationKeys, lock, token, lockTtlMs: 3_000 }, "test");
  const answer = { etag: '"e1"', body: '{"state":"ready"}' };

  it("answers an entry stored for the current version, and misses it once the version moved", async () => {
    expect(await read("ignore")).toEqual({ revoked: false, version: "0", entry: null, lock: "unasked" });
    await writeCache(redis, subject, "30d:plain", "0", answer, null);
    expect(await read("take")).toEqual({ revoked: false, version: "0", entry: answer, lock: "unasked" });
    expect(
      (await readCache(redis, subject, "7d:plain", { revocationKeys: [], lock: "ignore", token: "t", lockTtlMs: 1 }, "test"))?.entry,
    ).toBeNull();

    await bumpVersions(redis, [subject]);
    expect(await read("ignore")).toMatchObject({ version: "1", entry: null });
    // A build of the old version that finishes after the move stores nothing.
    await writeCache(redis, subject, "30d:plain", "0", answer, null);
    expect((await read("ignore"))?.entry).toBeNull();
    await writeCache(redis, subject, "30d:plain", "1", answer, null);
    expect((await read("ignore"))?.entry).toEqual(answer);
  });

  it("says revoked when a revocation key exists, before anything else", async () => {
    const revoked = `auth:revoked:token:${randomUUID()}`;
    await redis.set(revoked, 1, { ex: 60 });
    expect(await read("take", "reader", [`auth:revoked:token:${randomUUID()}`, revoked])).toMatchObject({ revoked: true, lock: "unasked" });
    expect(await read("peek")).toMatchObject({ revoked: false, lock: "free" });
  });

  it("gives the build lock of a miss to the first reader; the others see it held until its holder releases it", async () => {
    expect((await read("take", "builder"))?.lock).toBe("mine");
    expect((await read("take", "second"))?.lock).toBe("held");
    expect((await read("peek", "second"))?.lock).toBe("held");
    await writeCache(redis, subject, "30d:plain", "0", null, "second"); // not the holder: nothing happens
    expect((await read("peek"))?.lock).toBe("held");
    await writeCache(redis, subject, "30d:plain", "0", answer, "builder");
    expect(await read("peek")).toMatchObject({ entry: answer, lock: "unasked" });
    await bumpVersions(redis, [subject]);
    expect((await read("peek"))?.lock).toBe("free");
  });

  it("lets a lock expire: a builder that never comes back holds it for its TTL only", async () => {
    expect(
      (await readCache(redis, subject, "30d:plain", { revocationKeys: [], lock: "take", token: "gone", lockTtlMs: 50 }, "test"))?.lock,
    ).toBe("mine");
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await read("take", "next"))?.lock).toBe("mine");
  });

  it("travels with a rate limiter's count in one REST request when both are issued in the same tick", async () => {
    const limiter = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(10, "10 s"), prefix: `ratelimit:${randomUUID()}` });
    await writeCache(redis, subject, "30d:plain", "0", answer, null);
    await Promise.all([limiter.limit("warm-up"), read("take")]); // scripts loaded, SHA-1s known
    requests.length = 0;
    const [verdict, cached] = await Promise.all([limiter.limit("user:1"), read("take")]);
    expect(verdict.success).toBe(true);
    expect(cached?.entry).toEqual(answer);
    expect(requests).toEqual(["/pipeline"]);
  });
});
