import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";
import { readJson } from "../worker";

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ APP_VERSION: "1.2.3", BUILD_ID: "abc1234", HEALTH_CHECK_TIMEOUT_MS: "1000" });
});

afterAll(async () => {
  await api?.stop();
});

describe("health endpoints in workerd", () => {
  it("GET /api/v1/health reports version, build and time", async () => {
    const response = await api.worker.fetch("/api/v1/health");
    expect(response.status).toBe(200);
    const body = await readJson(response);
    expect(body).toMatchObject({ status: "ok", version: "1.2.3", build: "abc1234" });
    expect(Math.abs(Date.parse(body.time) - Date.now())).toBeLessThan(60_000);
  });

  it("GET /api/v1/health/ready reaches Postgres and Redis through the production clients", async () => {
    const response = await api.worker.fetch("/api/v1/health/ready");
    expect(response.status).toBe(200);
    expect(await readJson(response)).toMatchObject({ status: "ready", checks: { postgres: { status: "up" }, redis: { status: "up" } } });
  });

  it("serves the OpenAPI document with the health routes", async () => {
    const document = await readJson(await api.worker.fetch("/api/v1/openapi.json"));
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/v1/health", "/api/v1/health/live", "/api/v1/health/ready"]));
  });

  // On a stack of its own, started and stopped here: it stops Redis and Postgres, which the other tests need.
  it("answers 503 naming Redis, then Postgres, when their stand-ins stop, and stays live", { timeout: 120_000 }, async () => {
    const own = await startTestApi({ HEALTH_CHECK_TIMEOUT_MS: "1000" });
    try {
      await own.stack.redis.close();
      const redisDown = await own.worker.fetch("/api/v1/health/ready");
      expect(redisDown.status).toBe(503);
      expect(redisDown.headers.get("content-type")).toBe("application/problem+json");
      const redisProblem = await readJson(redisDown);
      expect(redisProblem).toMatchObject({
        status: 503,
        unavailable: ["redis"],
        checks: { postgres: { status: "up" }, redis: { status: "down" } },
      });
      expect(redisProblem.detail).toMatch(/redis/);

      await own.stack.postgres.stop();
      const bothDown = await own.worker.fetch("/api/v1/health/ready");
      expect(bothDown.status).toBe(503);
      expect((await readJson(bothDown)).unavailable).toEqual(["postgres", "redis"]);

      const live = await own.worker.fetch("/api/v1/health/live");
      expect(live.status).toBe(200);
      expect(await readJson(live)).toEqual({ status: "ok" });
    } finally {
      await own.stop();
    }
  });
});
