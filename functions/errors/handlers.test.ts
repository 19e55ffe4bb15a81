import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ProblemError } from "../../core/errors/problem";
import { accessLog } from "../middleware/access-log";
import { notFound, onError } from "./handlers";

function app() {
  const app = new Hono();
  app.use(requestId());
  app.use(accessLog);
  app.get("/boom", () => {
    throw new Error("connection string postgres://admin:hunter2@db/prod refused");
  });
  app.get("/database-down", () => {
    // As the Neon driver reports a failed connection (drizzle wraps it in its own error).
    const driverError = Object.assign(new Error("Error connecting to database: fetch failed"), {
      name: "NeonDbError",
      sourceError: new TypeError("fetch failed"),
    });
    throw new Error("Failed query: select 1", { cause: driverError });
  });
  app.get("/sql-error", () => {
    throw Object.assign(new Error('relation "x" does not exist'), { name: "NeonDbError", code: "42P01" });
  });
  app.get("/redis-deadline", () => {
    throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
  });
  app.get("/teapot", () => {
    throw new ProblemError(409, "conflict", "Already queued.", { runId: "r1" }, { "Retry-After": "3" });
  });
  app.notFound(notFound);
  app.onError(onError);
  return app;
}

const logLines = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((call) => JSON.parse(String(call[0])));

afterEach(() => vi.restoreAllMocks());

describe("onError", () => {
  it("answers a dependency that is down or past its deadline with 503 and Retry-After, and a SQL error with 500", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    for (const path of ["/database-down", "/redis-deadline"]) {
      const response = await app().request(path);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      const body = await response.json();
      expect(body).toMatchObject({ type: "/problems/unavailable", status: 503, retryAfter: 5 });
      expect(JSON.stringify(body)).not.toMatch(/fetch failed|timeout|select/);
    }
    expect((await app().request("/sql-error")).status).toBe(500);
  });

  it("turns an unexpected error into a 500 problem with the request id and no internals", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await app().request("/boom", { headers: { "X-Request-Id": "req-boom-1" } });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("x-request-id")).toBe("req-boom-1");
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ type: "/problems/internal", status: 500, requestId: "req-boom-1", instance: "/boom" });
    expect(text).not.toMatch(/hunter2|postgres:|refused|at \S+ \(/);

    const [unhandled, request] = logLines(errors);
    expect(unhandled).toMatchObject({ level: "error", message: "unhandled error", requestId: "req-boom-1" });
    expect(unhandled.stack).toContain("hunter2");
    expect(request).toMatchObject({ message: "request", status: 500, requestId: "req-boom-1", route: "/boom" });
  });

  it("keeps a ProblemError's status, extensions and headers", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const response = await app().request("/teapot");
    expect(response.status).toBe(409);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(await response.json()).toMatchObject({ type: "/problems/conflict", title: "Conflict", detail: "Already queued.", runId: "r1" });
  });
});

describe("accessLog", () => {
  it("writes exactly one JSON line per request with its outcome", async () => {
    const info = vi.spyOn(console, "log").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await app().request("/missing", { headers: { "X-Request-Id": "req-log-1" } });
    expect(info).not.toHaveBeenCalled();
    expect(logLines(warn)).toEqual([
      expect.objectContaining({ level: "warn", message: "request", requestId: "req-log-1", method: "GET", path: "/missing", status: 404 }),
    ]);
    expect(typeof logLines(warn)[0].durationMs).toBe("number");
  });
});
