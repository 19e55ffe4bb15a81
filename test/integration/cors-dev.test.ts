import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";

let api: TestApi;

beforeAll(async () => {
  // What `npm run dev` runs: ENVIRONMENT development and no CORS_ORIGINS.
  api = await startTestApi({ ENVIRONMENT: "development" });
});

afterAll(async () => {
  await api?.stop();
});

const preflight = (origin: string) =>
  api.worker.fetch("/api/v1/analytics/learner", {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
  });

describe("CORS in development", () => {
  it("answers a preflight from a dashboard on localhost with the CORS headers", async () => {
    const response = await preflight("http://localhost:5173");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(response.headers.get("access-control-allow-methods")).toContain("GET");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(response.headers.get("vary")).toContain("Origin");
  });

  it("allows a dashboard on 127.0.0.1 on a simple request too", async () => {
    const response = await api.worker.fetch("/api/v1/health/live", { headers: { Origin: "http://127.0.0.1:3000" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:3000");
    expect(response.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
  });

  it("answers a preflight from any other origin without them", async () => {
    for (const origin of ["http://evil.example", "http://localhost.evil.com:5173"]) {
      const response = await preflight(origin);
      expect(response.headers.get("access-control-allow-origin"), origin).toBeNull();
    }
  });
});
