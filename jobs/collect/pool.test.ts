import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type Env, loadEnv } from "../../core/env";
import { productionEnv } from "../../test/env-fixture";
import { runPooled } from "./pool";
import { serviceToken } from "./service-token";
import { fetchLearnerData } from "./sources";

const USER = "00000000-0000-4000-8000-000000000001";
const devLabAnswer = () =>
  Response.json({
    service: "devLab",
    scope: { type: "user", id: USER },
    generatedAt: "2026-11-24T00:00:00Z",
    window: { from: "2026-08-26T00:00:00Z", to: "2026-11-24T00:00:00Z" },
    data: { exercises: [], submissions: [] },
  });

/**
 * A fetch behind a connection queue like the Worker's: `connections` requests at a time, each
 * answered `ms` after it got a connection; the rest wait. An aborted request rejects at once.
 */
function queuedFetch(connections: number, ms: number) {
  let busy = 0;
  const waiting: (() => void)[] = [];
  const fetcher = async (_url: string | URL | Request, init?: RequestInit) => {
    const signal = init?.signal ?? undefined;
    if (busy >= connections) await new Promise<void>((resolve) => waiting.push(resolve));
    busy += 1;
    try {
      await new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
      return devLabAnswer();
    } finally {
      busy -= 1;
      waiting.shift()?.();
    }
  };
  return fetcher as typeof fetch;
}

let env: Env;

beforeAll(async () => {
  const loaded = loadEnv({ ...productionEnv, UPSTREAM_TIMEOUT_MS: "100" });
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  // The deadline is what is under test: 80 ms (below the schema's minimum, so set here).
  env = { ...loaded.env, UPSTREAM_TIMEOUT_MS: 80 };
  // Signed with real timers, then cached: the calls below do not wait for the signature.
  await serviceToken(env, "devLab");
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("runPooled", () => {
  it("runs at most `limit` tasks at once and returns the results in the order of the tasks", async () => {
    let running = 0;
    let most = 0;
    const tasks = Array.from({ length: 20 }, (_, i) => async () => {
      running += 1;
      most = Math.max(most, running);
      // Later tasks finish sooner, so finishing order differs from task order.
      await new Promise((resolve) => setTimeout(resolve, 100 - i));
      running -= 1;
      return i;
    });
    const results = runPooled(tasks, 6);
    await vi.runAllTimersAsync();
    expect(await results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(6);
  });

  it("handles no tasks and a limit above the number of tasks", async () => {
    expect(await runPooled([], 6)).toEqual([]);
    expect(await runPooled([async () => "a", async () => "b"], 6)).toEqual(["a", "b"]);
  });
});

describe("the deadline of an upstream call starts when the pool starts the call", () => {
  // 20 calls of 50 ms behind 6 connections: waves answered at 50, 100, 150 and 200 ms.
  const calls = (fetcher: typeof fetch) => Array.from({ length: 20 }, () => () => fetchLearnerData(env, fetcher, "devLab", USER));

  it("with the pool (6 at a time), none of 20 calls of 50 ms times out at 80 ms", async () => {
    const results = runPooled(calls(queuedFetch(6, 50)), 6);
    await vi.runAllTimersAsync();
    expect((await results).filter((r) => !r.ok)).toEqual([]);
  });

  it("started all at once, the calls still queued for a connection time out (what the pool prevents)", async () => {
    const results = Promise.all(calls(queuedFetch(6, 50)).map((call) => call()));
    await vi.runAllTimersAsync();
    // Only the first wave (answered at 50 ms) beats the 80 ms deadline; the second is answered at 100 ms.
    expect((await results).map((r) => (r.ok ? "ok" : r.reason))).toEqual([
      ...Array(6).fill("ok"),
      ...Array(14).fill("timeout after 80 ms"),
    ]);
  });
});
