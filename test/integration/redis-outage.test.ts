import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RedisFault } from "../../dev/upstash-redis/server";
import { startTestApi, type TestApi } from "../harness";
import { bearer, login } from "../tokens";
import { readJson } from "../worker";

/**
 * Redis stopped (every connection reset) and Redis frozen (requests accepted, never answered):
 * each check degrades by its written policy (README: Security, failure policy), in bounded time
 * (a frozen Redis would otherwise hang the request past the test's own timeout), never with a 500.
 */
let api: TestApi;
const TEST_TIMEOUT_MS = 15_000;

beforeAll(async () => {
  api = await startTestApi({ REDIS_TIMEOUT_MS: "200", REFRESH_DEBOUNCE_SECONDS: "0" });
});

afterAll(async () => {
  await api?.stop();
});

afterEach(() => api.stack.redis.setFault("none"));

const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  api.worker.fetch(path, {
    method: "POST",
    headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const profile = (token: string) => api.worker.fetch("/api/v1/auth/profile", { headers: bearer(token) });
const learnerAnalytics = (token: string) => api.worker.fetch("/api/v1/analytics/learner", { headers: bearer(token) });
const mirrorRevocations = () => api.worker.fetch("/__scheduled?cron=*+*+*+*+*");

describe.each<RedisFault>(["down", "frozen"])("Redis %s", (fault) => {
  it("serves a valid token (revocation read from Postgres, the rate limiter failing open)", { timeout: TEST_TIMEOUT_MS }, async () => {
    const session = await login(api.worker, "trainer@acme.test");
    api.stack.redis.setFault(fault);
    const response = await profile(session.accessToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit-limit")).toBeNull();
    expect((await readJson(response)).email).toBe("trainer@acme.test");
  });

  it("signs out durably: every token of the session stops working, during the outage and after it", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const first = await login(api.worker, "learner2@acme.test");
    const second = await readJson(await post("/api/v1/auth/refresh", { refreshToken: first.refreshToken }));
    api.stack.redis.setFault(fault);
    expect((await post("/api/v1/auth/logout", undefined, bearer(second.accessToken))).status).toBe(204);
    for (const token of [first.accessToken, second.accessToken]) {
      expect((await profile(token)).status).toBe(401);
      expect((await learnerAnalytics(token)).status).toBe(401);
    }
    expect((await post("/api/v1/auth/refresh", { refreshToken: second.refreshToken })).status).toBe(401);

    // Redis is back, without the entry it missed; the minutely mirror copies it from Postgres.
    api.stack.redis.setFault("none");
    expect((await mirrorRevocations()).status).toBe(200);
    for (const token of [first.accessToken, second.accessToken]) expect((await profile(token)).status).toBe(401);
  });

  it("revokes a stolen session on refresh-token reuse", { timeout: TEST_TIMEOUT_MS }, async () => {
    const stolen = await login(api.worker, "learner003@acme.test");
    const rotated = await readJson(await post("/api/v1/auth/refresh", { refreshToken: stolen.refreshToken }));
    api.stack.redis.setFault(fault);
    const reuse = await post("/api/v1/auth/refresh", { refreshToken: stolen.refreshToken });
    expect(reuse.status).toBe(401);
    expect((await profile(rotated.accessToken)).status).toBe(401);
    expect((await post("/api/v1/auth/refresh", { refreshToken: rotated.refreshToken })).status).toBe(401);
  });

  it("refuses sign-in with 503 and Retry-After (the sign-in limits fail closed)", { timeout: TEST_TIMEOUT_MS }, async () => {
    api.stack.redis.setFault(fault);
    for (const password of ["demo-password", "wrong-password"]) {
      const response = await post("/api/v1/auth/login", { email: "learner004@acme.test", password });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await readJson(response)).toMatchObject({ type: "/problems/unavailable", status: 503 });
    }
  });

  it("answers a cached read from Postgres (X-Cache: BYPASS)", { timeout: TEST_TIMEOUT_MS }, async () => {
    const session = await login(api.worker, "learner@acme.test");
    const warm = await learnerAnalytics(session.accessToken);
    expect(warm.status).toBe(200);
    const before = await readJson(warm);
    api.stack.redis.setFault(fault);
    const response = await learnerAnalytics(session.accessToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-cache")).toBe("BYPASS");
    expect((await readJson(response)).userId).toBe(before.userId);
  });
});
