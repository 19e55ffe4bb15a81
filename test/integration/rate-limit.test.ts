import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshWindow } from "../clock";
import { startTestApi, type TestApi } from "../harness";
import { bearer, claimsFor, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;

// Role limits stay at their defaults (learner 100 per 15 min); sign-in limits are lowered to keep the tests short.
beforeAll(async () => {
  api = await startTestApi({
    LOGIN_FAILURE_LIMIT_PAIR: "3",
    LOGIN_FAILURE_LIMIT_ADDRESS: "6",
    LOGIN_FAILURE_LIMIT_ACCOUNT: "12",
    REFRESH_RATE_LIMIT: "2",
  });
});

afterAll(async () => {
  await api?.stop();
});

const profileAs = async (email: string) => {
  const token = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(email));
  return () => api.worker.fetch("/api/v1/auth/profile", { headers: bearer(token) });
};
/** A sign-in from `address` (as Cloudflare's edge reports it in CF-Connecting-IP). */
const signIn = (email: string, address: string, password = "wrong-password") =>
  api.worker.fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": address },
    body: JSON.stringify({ email, password }),
  });

describe("rate limits", () => {
  it("lets a learner make 100 requests in the window and answers the next with 429 and Retry-After", async () => {
    const request = await profileAs("learner@acme.test");
    // A sliding window weighs the previous window's count down as time passes, so when the run
    // crosses a window boundary one more request may fit: what it guarantees is checked, not the clock.
    let accepted = 0;
    let refused: Response | undefined;
    let lastRemaining = 100;
    while (!refused && accepted <= 101) {
      const response = await request();
      if (response.status === 429) {
        refused = response;
        break;
      }
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit-limit")).toBe("100");
      const remaining = Number(response.headers.get("ratelimit-remaining"));
      expect(remaining).toBeLessThanOrEqual(lastRemaining);
      lastRemaining = remaining;
      accepted += 1;
      await response.arrayBuffer();
    }
    expect(accepted).toBeGreaterThanOrEqual(100);
    expect(accepted).toBeLessThanOrEqual(101);
    expect(refused?.status).toBe(429);
    const retryAfter = Number(refused!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(refused!.headers.get("ratelimit-remaining")).toBe("0");
    expect(await readJson(refused!)).toMatchObject({ status: 429, type: "/problems/rate-limited", retryAfter });

    // Another learner has a bucket of their own.
    expect((await (await profileAs("learner2@acme.test"))()).status).toBe(200);
  });

  it("gives each role its own limit, and anonymous callers theirs", async () => {
    expect((await (await profileAs("trainer@acme.test"))()).headers.get("ratelimit-limit")).toBe("200");
    expect((await (await profileAs("admin@acme.test"))()).headers.get("ratelimit-limit")).toBe("500");
    expect((await api.worker.fetch("/.well-known/jwks.json")).headers.get("ratelimit-limit")).toBe("50");
  });

  it("gives refreshes (runs queued on demand) their own lower limit per user", async () => {
    const token = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor("admin@globex.test"));
    const refresh = () => api.worker.fetch("/api/v1/analytics/refresh", { method: "POST", headers: bearer(token) });
    await freshWindow(); // the burst below is counted in one rate-limit window
    expect((await refresh()).status).toBe(202);
    expect((await refresh()).status).toBe(202);
    const refused = await refresh();
    expect(refused.status).toBe(429);
    expect((await readJson(refused)).detail).toMatch(/refresh requests/);
    // The admin's other requests are counted in their own, larger bucket.
    expect((await api.worker.fetch("/api/v1/auth/profile", { headers: bearer(token) })).status).toBe(200);
  });

  it("never limits health probes", async () => {
    const response = await api.worker.fetch("/api/v1/health/live");
    expect(response.headers.get("ratelimit-limit")).toBeNull();
  });
});

describe("sign-in limits", () => {
  it("ten wrong passwords from ten addresses do not lock the owner out", async () => {
    const email = "learner010@acme.test";
    for (let i = 1; i <= 10; i += 1) expect((await signIn(email, `198.51.100.${i}`)).status).toBe(401);
    expect((await signIn(email, "203.0.113.10", "demo-password")).status).toBe(200);
  });

  it("stops guessing from one address at the pair limit, even with the right password, and not from elsewhere", async () => {
    const email = "learner011@acme.test";
    await freshWindow(); // the burst below is counted in one rate-limit window
    for (let i = 0; i < 3; i += 1) expect((await signIn(email, "198.51.101.1")).status).toBe(401);
    const refused = await signIn(email, "198.51.101.1", "demo-password");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await readJson(refused)).detail).toMatch(/failed sign-ins for this account from this address/);
    expect((await signIn(email, "203.0.113.11", "demo-password")).status).toBe(200);
  });

  it("stops one address spraying many accounts at the address limit", async () => {
    await freshWindow(); // the burst below is counted in one rate-limit window
    for (let i = 20; i < 26; i += 1) expect((await signIn(`learner0${i}@acme.test`, "198.51.102.1")).status).toBe(401);
    const refused = await signIn("learner026@acme.test", "198.51.102.1", "demo-password");
    expect(refused.status).toBe(429);
    expect((await readJson(refused)).detail).toMatch(/failed sign-ins from this address/);
  });

  it("locks an account under a broad attack (failures from many addresses) for everyone", async () => {
    const email = "learner030@acme.test";
    await freshWindow(); // the burst below is counted in one rate-limit window
    for (let i = 1; i <= 12; i += 1) expect((await signIn(email, `198.51.103.${i}`)).status).toBe(401);
    const refused = await signIn(email, "203.0.113.30", "demo-password");
    expect(refused.status).toBe(429);
    expect((await readJson(refused)).detail).toMatch(/many addresses/);
  });

  it("counts IPv6 addresses by their /64", async () => {
    const email = "learner040@acme.test";
    await freshWindow(); // the burst below is counted in one rate-limit window
    for (const host of ["a", "b", "c"]) expect((await signIn(email, `2001:db8:40:1::${host}`)).status).toBe(401);
    expect((await signIn(email, "2001:db8:40:1:ffff:ffff:ffff:ffff", "demo-password")).status).toBe(429);
    expect((await signIn(email, "2001:db8:40:2::1", "demo-password")).status).toBe(200);
  });
});
