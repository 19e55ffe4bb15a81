import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { afterEach, describe, expect, it, vi } from "vitest";
import { accessLog } from "../middleware/access-log";
import { notFound, onError } from "./handlers";
import { ProblemError } from "./problem";

function app() {
  const app = new Hono();
  app.use(requestId());
  app.use(accessLog);
  app.get("/boom", () => {
    throw new Error("connection string postgres://admin:hunter2@db/prod refused");
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
