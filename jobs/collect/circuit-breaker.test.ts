import { Redis } from "@upstash/redis/cloudflare";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StandIn } from "../../dev/stand-in";
import { startUpstashRedis } from "../../dev/upstash-redis/server";
import { CircuitBreakers } from "./circuit-breaker";

let standIn: StandIn;
let redis: Redis;

beforeAll(async () => {
  standIn = await startUpstashRedis({ token: "breaker-test", backend: "embedded" });
  redis = new Redis({ url: standIn.url, token: "breaker-test" });
});

afterAll(async () => {
  await standIn?.close();
});

const t0 = new Date("2026-11-24T02:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const settings = { failureThreshold: 5, openSeconds: 60 };

/** One collect step's calls to `service`: load, admit and record each outcome in order ("F"/"S"), save. */
async function step(service: string, outcomes: string, now = t0) {
  const breakers = await CircuitBreakers.load(redis, settings, [service], now);
  const admitted: boolean[] = [];
  for (const outcome of outcomes) {
    const admit = await breakers.admit(service);
    admitted.push(admit);
    if (admit) breakers.record(service, outcome === "S");
  }
  await breakers.save();
  return { admitted, open: breakers.isOpen(service) };
}

const stored = (service: string) => redis.get<{ failures: number; openUntil: number }>(`circuit:${service}`);

describe("CircuitBreakers: consecutive failures in the order calls finish", () => {
  it("does not open on F F S F F F F at threshold 5: the success set the count back to 0", async () => {
    expect(await step("seq-interleaved", "FFSFFFF")).toEqual({ admitted: Array(7).fill(true), open: false });
    expect(await stored("seq-interleaved")).toEqual({ failures: 4, openUntil: 0 });
  });

  it("opens on the fifth failure in a row and skips the step's remaining calls", async () => {
    expect(await step("seq-five", "FFFFFSS")).toEqual({ admitted: [true, true, true, true, true, false, false], open: true });
    expect(await stored("seq-five")).toEqual({ failures: 5, openUntil: at(60).getTime() });
  });

  it("continues the count across steps (state saved at the end of one, read at the start of the next)", async () => {
    expect((await step("seq-across", "FSFF")).open).toBe(false);
    expect(await step("seq-across", "FFFS", at(10))).toEqual({ admitted: [true, true, true, false], open: true });
    expect(await stored("seq-across")).toEqual({ failures: 5, openUntil: at(70).getTime() });
  });

  it("is shared: another instance (another isolate) sees the open circuit until the open period ends", async () => {
    await step("seq-shared", "FFFFF");
    expect((await CircuitBreakers.load(redis, settings, ["seq-shared"], at(59))).isOpen("seq-shared")).toBe(true);
    expect((await CircuitBreakers.load(redis, settings, ["seq-shared"], at(60))).isOpen("seq-shared")).toBe(false);
  });

  it("after the open period lets one trial decide; calls made meanwhile wait for it: a failure opens it again", async () => {
    await step("trial-fails", "FFFFF");
    const breakers = await CircuitBreakers.load(redis, settings, ["trial-fails"], at(61));
    expect(await breakers.admit("trial-fails")).toBe(true);
    const waiting = breakers.admit("trial-fails");
    breakers.record("trial-fails", false);
    expect(await waiting).toBe(false);
    expect(breakers.isOpen("trial-fails")).toBe(true);
    await breakers.save();
    expect(await stored("trial-fails")).toEqual({ failures: 6, openUntil: at(121).getTime() });
  });

  it("closes on a successful trial: the waiting calls go ahead and the state is removed", async () => {
    await step("trial-passes", "FFFFF");
    const breakers = await CircuitBreakers.load(redis, settings, ["trial-passes"], at(61));
    expect(await breakers.admit("trial-passes")).toBe(true);
    const waiting = breakers.admit("trial-passes");
    breakers.record("trial-passes", true);
    expect(await waiting).toBe(true);
    await breakers.save();
    expect(await stored("trial-passes")).toBeNull();
    expect(await step("trial-passes", "FFFF", at(62))).toEqual({ admitted: Array(4).fill(true), open: false });
  });

  it("fails open when Redis is unreachable, says so in the log, and writes nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const unreachable = new Redis({ url: "http://127.0.0.1:9", token: "x", retry: false });
      const breakers = await CircuitBreakers.load(unreachable, { failureThreshold: 1, openSeconds: 60 }, ["devLab"], t0);
      expect(await breakers.admit("devLab")).toBe(true);
      breakers.record("devLab", false);
      expect(breakers.isOpen("devLab")).toBe(true);
      await expect(breakers.save()).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("circuit breaker state unavailable"));
    } finally {
      warn.mockRestore();
    }
  });
});
