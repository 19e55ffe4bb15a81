import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";
import { type RunningWorker, readJson, startWorker } from "../worker";

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.stop();
});

describe("request ids and problems", () => {
  it("gives every response a request id, generated when the caller sends none", async () => {
    const first = await api.worker.fetch("/api/v1/health/live");
    const second = await api.worker.fetch("/api/v1/health/live");
    const [a, b] = [first.headers.get("x-request-id"), second.headers.get("x-request-id")];
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it("keeps a well-formed caller request id and replaces a malformed one", async () => {
    const kept = await api.worker.fetch("/api/v1/health/live", { headers: { "X-Request-Id": "dashboard-7f3a-0001" } });
    expect(kept.headers.get("x-request-id")).toBe("dashboard-7f3a-0001");
    const replaced = await api.worker.fetch("/api/v1/health/live", { headers: { "X-Request-Id": "<script>alert(1)</script>" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const tooLong = await api.worker.fetch("/api/v1/health/live", { headers: { "X-Request-Id": "a".repeat(500) } });
    expect(tooLong.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers an unknown route with a 404 problem", async () => {
    const response = await api.worker.fetch("/api/v1/nothing-here", { headers: { "X-Request-Id": "req-404-check" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await readJson(response)).toEqual({
      type: "/problems/not-found",
      title: "Not Found",
      status: 404,
      detail: "No route matches GET /api/v1/nothing-here.",
      instance: "/api/v1/nothing-here",
      requestId: "req-404-check",
    });
  });
});

describe("a misconfigured deployment", () => {
  let worker: RunningWorker;

  beforeAll(async () => {
    const { UPSTASH_REDIS_REST_TOKEN: _missing, ...vars } = api.stack.vars;
    worker = await startWorker({ ...vars, DATABASE_URL: "mysql://wrong", ENVIRONMENT: "test" });
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it("names each bad variable on /health/ready with a 503 and no stack trace", async () => {
    const response = await worker.fetch("/api/v1/health/ready");
    expect(response.status).toBe(503);
    const body = await readJson(response);
    expect(body.configuration).toEqual([
      "DATABASE_URL: must be a postgres:// or postgresql:// URL",
      "UPSTASH_REDIS_REST_TOKEN: is missing",
    ]);
    expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|\.ts:\d+/);
  });

  it("stays live, and refuses everything else with a 503 problem", async () => {
    expect((await worker.fetch("/api/v1/health/live")).status).toBe(200);
    const other = await worker.fetch("/api/v1/health");
    expect(other.status).toBe(503);
    expect(other.headers.get("x-request-id")).toBeTruthy();
    expect((await readJson(other)).type).toBe("/problems/misconfigured");
  });
});
