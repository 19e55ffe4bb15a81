import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;

// Role limits stay at their defaults (learner 100 per 15 min); login limits are lowered to keep the test short.
beforeAll(async () => {
  api = await startTestApi({ LOGIN_FAILURE_LIMIT_PAIR: "3", LOGIN_RATE_LIMIT_ADDRESS: "6" });
});

afterAll(async () => {
  await api?.stop();
});

const profileAs = async (email: string) => {
  const token = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(email));
  return () => api.worker.fetch("/api/v1/auth/profile", { headers: bearer(token) });
};
const loginAttempt = (email: string, password = "wrong-password") =>
  api.worker.fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, password }) });

describe("rate limits", () => {
  it("lets a learner make 100 requests in the window and answers the 101st with 429 and Retry-After", async () => {
    const request = await profileAs("learner@acme.test");
    for (let i = 1; i <= 100; i += 1) {
      const response = await request();
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit-limit")).toBe("100");
      expect(response.headers.get("ratelimit-remaining")).toBe(String(100 - i));
      await response.arrayBuffer();
    }
    const refused = await request();
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(await readJson(refused)).toMatchObject({ status: 429, type: "/problems/rate-limited", retryAfter });

    // Another learner has a bucket of their own.
    expect((await (await profileAs("learner2@acme.test"))()).status).toBe(200);
  });

  it("gives each role its own limit, and anonymous callers theirs", async () => {
    expect((await (await profileAs("trainer@acme.test"))()).headers.get("ratelimit-limit")).toBe("200");
    expect((await (await profileAs("admin@acme.test"))()).headers.get("ratelimit-limit")).toBe("500");
    expect((await api.worker.fetch("/.well-known/jwks.json")).headers.get("ratelimit-limit")).toBe("50");
  });

  it("never limits health probes", async () => {
    const response = await api.worker.fetch("/api/v1/health/live");
    expect(response.headers.get("ratelimit-limit")).toBeNull();
  });

  it("limits sign-in attempts per account, whatever the password", async () => {
    const email = demoUser("learner002@acme.test").email;
    for (let i = 0; i < 3; i += 1) expect((await loginAttempt(email)).status).toBe(401);
    const refused = await loginAttempt(email, "demo-password");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await readJson(refused)).detail).toMatch(/sign-in attempts for this account/);
  });

  it("limits sign-in attempts per client address across accounts", async () => {
    // Four attempts so far from this address (the previous test); two more are allowed.
    expect((await loginAttempt("learner003@acme.test")).status).toBe(401);
    expect((await loginAttempt("learner004@acme.test")).status).toBe(401);
    const refused = await loginAttempt("learner005@acme.test");
    expect(refused.status).toBe(429);
    expect((await readJson(refused)).detail).toMatch(/sign-in attempts from this address/);
  });

  // Last: it stops the Redis stand-in.
  it("keeps serving when Redis is unreachable (the limiter fails open)", async () => {
    await api.stack.redis.close();
    const response = await (await profileAs("trainer2@acme.test"))();
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit-limit")).toBeNull();
  });
});
