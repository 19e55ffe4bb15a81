import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;
let adminToken: string;

beforeAll(async () => {
  api = await startTestApi({
    RATE_LIMIT_ORG_ADMIN: "100000",
    RATE_LIMIT_ANONYMOUS: "100000",
    LOGIN_FAILURE_LIMIT_PAIR: "100000",
    LOGIN_FAILURE_LIMIT_ADDRESS: "100000",
    MAX_BODY_BYTES: "1024",
    CORS_ORIGINS: "https://dashboard.acme.test, https://dashboard.globex.test",
  });
  adminToken = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor("admin@acme.test"));
});

afterAll(async () => {
  await api?.stop();
});

const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
  api.worker.fetch(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });

describe("bodies", () => {
  it("refuses a body over MAX_BODY_BYTES with 413 before reading it", async () => {
    const body = JSON.stringify({ email: "learner@acme.test", password: "x".repeat(2000) });
    const response = await postJson("/api/v1/auth/login", body);
    expect(response.status).toBe(413);
    expect(await readJson(response)).toMatchObject({ type: "/problems/body-too-large", status: 413 });
  });

  it("refuses a body that is not JSON with 415", async () => {
    const response = await api.worker.fetch("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=learner%40acme.test&password=demo-password",
    });
    expect(response.status).toBe(415);
    expect((await readJson(response)).type).toBe("/problems/unsupported-media-type");
  });

  it("answers invalid JSON with a 400 problem", async () => {
    const response = await postJson("/api/v1/auth/login", "{not json");
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("never answers a JSON body with a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.json(), fc.string()),
        fc.constantFrom("/api/v1/auth/login", "/api/v1/auth/refresh"),
        async (body, path) => {
          const response = await postJson(path, body);
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("query strings", () => {
  it("rejects an unknown query parameter with a 400 naming it", async () => {
    const response = await api.worker.fetch("/api/v1/users?role=learner&sort=name", { headers: bearer(adminToken) });
    expect(response.status).toBe(400);
    const body = await readJson(response);
    expect(body.errors).toEqual([expect.objectContaining({ pointer: "query" })]);
    expect(body.errors[0].detail).toMatch(/sort/);
  });

  it("lists each failing field", async () => {
    const response = await api.worker.fetch("/api/v1/users?role=wizard&limit=0", { headers: bearer(adminToken) });
    expect(response.status).toBe(400);
    expect((await readJson(response)).errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["query.limit", "query.role"]);
  });

  it("rejects a malformed path id with a 400", async () => {
    const response = await api.worker.fetch("/api/v1/users/not-a-uuid", { headers: bearer(adminToken) });
    expect(response.status).toBe(400);
    expect((await readJson(response)).errors[0].pointer).toBe("param.id");
  });

  it("never answers any query string, however malformed, on any GET route with a 5xx", async () => {
    const document = await readJson(await api.worker.fetch("/api/v1/openapi.json"));
    const getPaths = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .filter(([, operations]) => "get" in operations)
      .map(([path]) => path.replace("{id}", demoUser("learner@acme.test").id));
    expect(getPaths.length).toBeGreaterThanOrEqual(7);

    const rawQuery = fc.oneof(
      fc.webQueryParameters(),
      fc.string().map((s) => encodeURIComponent(s)),
      fc.array(fc.tuple(fc.string(), fc.string())).map((pairs) => new URLSearchParams(pairs).toString()),
      fc
        .array(fc.constantFrom("%", "%zz", "%00", "&", "=", "==", "[]", "limit", "role", "cursor", "timeRange", "%E2%82", "a=1"))
        .map((parts) => parts.join("")),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...getPaths), rawQuery, async (path, query) => {
        const response = await api.worker.fetch(`${path}?${query}`, { headers: bearer(adminToken) });
        await response.arrayBuffer();
        expect(response.status, `${path}?${query}`).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});

describe("headers", () => {
  it("puts security headers on every response, problems included", async () => {
    for (const path of ["/api/v1/health/live", "/api/v1/nope", "/api/v1/auth/profile"]) {
      const response = await api.worker.fetch(path);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("allows CORS for configured dashboard origins only", async () => {
    const preflight = (origin: string) =>
      api.worker.fetch("/api/v1/auth/profile", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
      });
    const allowed = await preflight("https://dashboard.acme.test");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://dashboard.acme.test");
    expect(allowed.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const refused = await preflight("https://evil.example");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();

    const simple = await api.worker.fetch("/api/v1/health/live", { headers: { Origin: "https://dashboard.globex.test" } });
    expect(simple.headers.get("access-control-allow-origin")).toBe("https://dashboard.globex.test");
    expect(simple.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
  });
});
