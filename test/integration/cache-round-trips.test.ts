import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpVersions, type CacheSubject } from "../../jobs/cache-versions";
import { freshWindow } from "../clock";
import { startTestApi, type TestApi } from "../harness";
import { finishedRun } from "../pipeline";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

/**
 * What a cached analytics read costs in requests to the Upstash REST endpoint (counted by the
 * stand-in's log), and how many times concurrent misses build the answer from Postgres (counted as
 * SQL requests to the Neon stand-in, per build of one answer measured first).
 */
let api: TestApi;
let redis: Redis;
const redisRequests: string[] = [];
let sqlRequests = 0;
let token = "";
const learner = demoUser("learner@acme.test");
const subject: CacheSubject = { kind: "learner", id: learner.id };
const PATH = "/api/v1/analytics/learner";

beforeAll(async () => {
  api = await startTestApi(
    { REFRESH_DEBOUNCE_SECONDS: "0", PIPELINE_BATCH_SIZE: "50", RATE_LIMIT_LEARNER: "80", RATE_LIMIT_ANONYMOUS: "3" },
    {
      log: (entry) => {
        if (entry.event === "upstash-redis.request") redisRequests.push(String(entry.path));
        if (entry.standIn === "neon-http" && entry.event === "request") sqlRequests += 1;
      },
    },
  );
  redis = new Redis({
    url: api.stack.vars.UPSTASH_REDIS_REST_URL,
    token: api.stack.vars.UPSTASH_REDIS_REST_TOKEN,
    enableAutoPipelining: false,
  });
  token = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor("learner@acme.test"));
  const { runId } = await readJson(await api.worker.fetch("/api/v1/analytics/refresh", { method: "POST", headers: bearer(token) }));
  expect((await finishedRun(api, token, runId)).status).toBe("completed");
  await quiet();
  // Whichever test runs first: the first read loads the cache script into Redis (an EVALSHA answered
  // NOSCRIPT costs one request more) and stores the answer; then one build's SQL is measured.
  await (await get()).arrayBuffer();
  await invalidate();
  const { result: miss, sql } = await counted(get);
  await miss.arrayBuffer();
  sqlPerBuild = sql;
});

afterAll(async () => {
  await api?.stop();
});

/** Waits until neither Redis nor Postgres has been asked anything for a while (background work, write-backs). */
async function quiet(ms = 300): Promise<void> {
  for (;;) {
    const before = [redisRequests.length, sqlRequests];
    await sleep(ms);
    if (redisRequests.length === before[0] && sqlRequests === before[1]) return;
  }
}

/** Counts what `work` (and the background work it leaves) asks of Redis and Postgres. */
async function counted<T>(work: () => Promise<T>): Promise<{ result: T; redis: string[]; sql: number }> {
  await quiet();
  redisRequests.length = 0;
  sqlRequests = 0;
  const result = await work();
  await quiet();
  return { result, redis: [...redisRequests], sql: sqlRequests };
}

const get = (path = PATH, as = token) => api.worker.fetch(path, { headers: bearer(as) });
/** What the pipeline's aggregate step does when the learner's figures change. */
const invalidate = () => bumpVersions(redis as never, [subject]);

/** SQL requests one build of the answer makes (measured in beforeAll). */
let sqlPerBuild = 0;

describe("Redis round trips of a cached read", () => {
  it("a HIT costs one REST request: the rate limit, the revocation check, the version and the entry together", async () => {
    await get(); // builds and stores the answer if nothing has yet
    await quiet();
    for (let i = 0; i < 3; i++) {
      const { result: response, redis: requests, sql } = await counted(get);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-cache")).toBe("HIT");
      expect(response.headers.get("ratelimit-limit")).toBe("80");
      expect(response.headers.get("server-timing")).toMatch(/ratelimit.*cache/);
      await response.arrayBuffer();
      expect(requests).toEqual(["/pipeline"]);
      expect(sql).toBe(0);
    }
  });

  it("a MISS costs two: that same request (taking the build lock), and the write-back that releases it", async () => {
    await invalidate();
    const { result: response, redis: requests, sql } = await counted(get);
    expect(response.headers.get("x-cache")).toBe("MISS");
    await response.arrayBuffer();
    expect(requests).toEqual(["/pipeline", "/pipeline"]);
    expect(sql).toBeGreaterThan(0);
    sqlPerBuild = sql;
    expect((await get()).headers.get("x-cache")).toBe("HIT");
  });
});

describe("single flight of misses", () => {
  const BURST = 12;

  it(`${BURST} concurrent requests right after an invalidation build the answer once`, async () => {
    expect(sqlPerBuild).toBeGreaterThan(0);
    await invalidate();
    const { result: responses, sql } = await counted(() => Promise.all(Array.from({ length: BURST }, () => get())));
    const caches = responses.map((response) => response.headers.get("x-cache"));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(caches.filter((cache) => cache === "MISS")).toHaveLength(1);
    expect(caches.filter((cache) => cache === "HIT")).toHaveLength(BURST - 1);
    expect(new Set(responses.map((response) => response.headers.get("etag"))).size).toBe(1);
    expect(sql / sqlPerBuild).toBe(1);
  });

  it("a builder that never finishes holds the others back for at most MAX_WAIT_MS (1 s); then they build", async () => {
    await invalidate();
    // A lock taken by a request that then crashed: nobody releases it, it expires after 3 s.
    const lock = `lock:analytics:learner:${learner.id}:30d:plain`;
    await redis.set(lock, "crashed-builder", { px: 3_000 });
    try {
      const started = performance.now();
      const { result: response, sql } = await counted(get);
      const elapsed = performance.now() - started;
      expect(response.status).toBe(200);
      expect(response.headers.get("x-cache")).toBe("MISS");
      expect(response.headers.get("server-timing")).toMatch(/wait;dur=\d/);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(2_500);
      expect(sql / sqlPerBuild).toBe(1);
      // Its answer was stored for the current version: the next reader is served from the cache.
      expect((await get()).headers.get("x-cache")).toBe("HIT");
    } finally {
      // The crashed builder's lock outlives this test by up to 3 s: the next test's misses would wait on it.
      await redis.del(lock);
    }
  });

  it("without Redis there is no lock: each request answers from Postgres (BYPASS)", async () => {
    await invalidate();
    api.stack.redis.setFault("down");
    try {
      const responses = await Promise.all(Array.from({ length: 3 }, () => get()));
      expect(responses.map((response) => [response.status, response.headers.get("x-cache")])).toEqual(Array(3).fill([200, "BYPASS"]));
    } finally {
      api.stack.redis.setFault("none");
    }
  });
});

describe("the rate limit of a route that counts itself in its cache read", () => {
  it("counts a request that fails before the cache read, and answers 429 over the limit as the limiter in front would", async () => {
    await freshWindow(); // the four requests below are counted in one rate-limit window
    const anonymous = () => api.worker.fetch(PATH, { headers: { "CF-Connecting-IP": "203.0.113.77" } });
    for (const remaining of ["2", "1", "0"]) {
      const response = await anonymous();
      expect(response.status).toBe(401);
      expect(response.headers.get("ratelimit-limit")).toBe("3");
      expect(response.headers.get("ratelimit-remaining")).toBe(remaining);
    }
    const refused = await anonymous();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("www-authenticate")).toBeNull();
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("x-request-id")).toBeTruthy();
    expect(await readJson(refused)).toMatchObject({ status: 429, type: "/problems/rate-limited", instance: PATH });
  });

  it("answers a caller over the limit 429 from the same round trip as the cache read", { timeout: 120_000 }, async () => {
    // A learner of its own, with analytics of their own: spending a rate limit leaves the other tests' alone.
    const own = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor("learner2@acme.test"));
    const { runId } = await readJson(await api.worker.fetch("/api/v1/analytics/refresh", { method: "POST", headers: bearer(own) }));
    expect((await finishedRun(api, own, runId)).status).toBe("completed");
    await freshWindow(); // the requests below, to the last one, are counted in one rate-limit window
    const invalid = await get(`${PATH}?timeRange=2y`, own);
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("ratelimit-remaining")).not.toBeNull();
    let refused: Response | undefined;
    for (let i = 0; i <= 81 && !refused; i++) {
      const response = await get(PATH, own);
      if (response.status === 429) refused = response;
      else {
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
    }
    expect(refused?.headers.get("ratelimit-limit")).toBe("80");
    expect(refused?.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await readJson(refused!)).toMatchObject({ status: 429, type: "/problems/rate-limited" });
    // Refused in one REST request too, without asking Postgres anything.
    const { result: again, redis: requests, sql } = await counted(() => get(PATH, own));
    expect(again.status).toBe(429);
    await again.arrayBuffer();
    expect(requests).toEqual(["/pipeline"]);
    expect(sql).toBe(0);
  });
});
