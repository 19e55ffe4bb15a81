import { describe, expect, it } from "vitest";
import type { Env } from "../../core/env";
import { budgetedFetch, localLimits, serveWithLocalLimits, withLocalLimits } from "./local-limits";
import { TOO_MANY_SUBREQUESTS } from "./outbound-budget";

type Limits = Pick<Env, "ENVIRONMENT" | "LOCAL_PLATFORM_LIMITS" | "LOCAL_SUBREQUEST_LIMIT" | "LOCAL_CONNECTION_LIMIT">;

const limitsEnv = (overrides: Partial<Limits> = {}): Env =>
  ({ ENVIRONMENT: "test", LOCAL_PLATFORM_LIMITS: "enforce", LOCAL_SUBREQUEST_LIMIT: 3, LOCAL_CONNECTION_LIMIT: 6, ...overrides }) as Env;

/** A stand-in for the platform's fetch that counts its calls. */
function platform() {
  let calls = 0;
  const fetch = budgetedFetch(async () => {
    calls += 1;
    return new Response("upstream");
  });
  return { fetch, calls: () => calls };
}

describe("localLimits", () => {
  it("enforces the configured limits in development and tests, nothing in production or when off", () => {
    expect(localLimits(limitsEnv())).toEqual({ subrequests: 3, connections: 6 });
    expect(localLimits(limitsEnv({ ENVIRONMENT: "development" }))).toEqual({ subrequests: 3, connections: 6 });
    expect(localLimits(limitsEnv({ ENVIRONMENT: "production" }))).toBeUndefined();
    expect(localLimits(limitsEnv({ LOCAL_PLATFORM_LIMITS: "off" }))).toBeUndefined();
  });
});

describe("serveWithLocalLimits", () => {
  it("counts the requests the handler makes, refuses the one past the limit and reports both on the response", async () => {
    const { fetch, calls } = platform();
    const response = await serveWithLocalLimits(limitsEnv(), async () => {
      for (let i = 0; i < 3; i++) await fetch("http://upstream.test/");
      await expect(fetch("http://upstream.test/")).rejects.toThrow(TOO_MANY_SUBREQUESTS);
      // Work after the response exists but before the handler returns is counted too.
      const answer = new Response("done", { status: 201, headers: { "Content-Type": "text/plain" } });
      await expect(fetch("http://upstream.test/")).rejects.toThrow(TOO_MANY_SUBREQUESTS);
      return answer;
    });
    expect(calls()).toBe(3);
    expect(response.status).toBe(201);
    expect(await response.text()).toBe("done");
    expect(Object.fromEntries(response.headers)).toEqual({
      "content-type": "text/plain",
      "x-local-subrequests": "3",
      "x-local-subrequests-refused": "2",
      "x-local-max-connections": "1",
    });
  });

  it("gives each invocation its own budget, even when they overlap", async () => {
    const { fetch } = platform();
    const invocation = (requests: number) =>
      serveWithLocalLimits(limitsEnv(), async () => {
        for (let i = 0; i < requests; i++) await fetch("http://upstream.test/");
        return new Response(null, { status: 204 });
      });
    const [one, two] = await Promise.all([invocation(1), invocation(3)]);
    expect(one.headers.get("X-Local-Subrequests")).toBe("1");
    expect(two.headers.get("X-Local-Subrequests")).toBe("3");
    expect(two.headers.get("X-Local-Subrequests-Refused")).toBe("0");
  });

  it("stamps a response whose headers are immutable", async () => {
    const immutable = Response.redirect("http://elsewhere.test/", 302);
    const response = await serveWithLocalLimits(limitsEnv(), () => immutable);
    expect(response.headers.get("Location")).toBe("http://elsewhere.test/");
    expect(response.headers.get("X-Local-Subrequests")).toBe("0");
  });

  it("neither limits nor stamps when limits are off, nor in production", async () => {
    for (const env of [limitsEnv({ LOCAL_PLATFORM_LIMITS: "off" }), limitsEnv({ ENVIRONMENT: "production" })]) {
      const { fetch, calls } = platform();
      const original = new Response("ok");
      const response = await serveWithLocalLimits(env, async () => {
        for (let i = 0; i < 5; i++) await fetch("http://upstream.test/");
        return original;
      });
      expect(response).toBe(original);
      expect(calls()).toBe(5);
    }
  });
});

describe("budgetedFetch", () => {
  it("passes through work that belongs to no invocation", async () => {
    const { fetch, calls } = platform();
    for (let i = 0; i < 5; i++) await fetch("http://upstream.test/");
    expect(calls()).toBe(5);
  });
});

describe("withLocalLimits", () => {
  it("limits a scheduled invocation's work, including what it leaves running", async () => {
    const { fetch, calls } = platform();
    let background: Promise<unknown> = Promise.resolve();
    withLocalLimits(limitsEnv({ LOCAL_SUBREQUEST_LIMIT: 2 }), () => {
      background = (async () => {
        await fetch("http://upstream.test/");
        await fetch("http://upstream.test/");
        await fetch("http://upstream.test/");
      })();
    });
    await expect(background).rejects.toThrow(TOO_MANY_SUBREQUESTS);
    expect(calls()).toBe(2);
  });
});
