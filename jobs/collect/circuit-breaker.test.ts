import { Redis } from "@upstash/redis/cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
const failures = (service: string, n: number) => new Map([[service, { failures: n, successes: 0 }]]);

describe("CircuitBreakers (state in Redis)", () => {
  it("opens after the threshold of consecutive failures, for the open period", async () => {
    const breakers = new CircuitBreakers(redis, { failureThreshold: 3, openSeconds: 60 });
    await breakers.record(failures("devLab", 2), t0);
    expect(await breakers.open(["devLab", "auth"], t0)).toEqual(new Set());
    await breakers.record(failures("devLab", 1), at(1));
    expect(await breakers.open(["devLab", "auth"], at(2))).toEqual(new Set(["devLab"]));
    expect(await breakers.open(["devLab"], at(62))).toEqual(new Set());
  });

  it("is shared: another instance (another isolate) sees the same state", async () => {
    await new CircuitBreakers(redis, { failureThreshold: 1, openSeconds: 30 }).record(failures("learnerAI", 1), t0);
    expect(await new CircuitBreakers(redis, { failureThreshold: 1, openSeconds: 30 }).open(["learnerAI"], at(1))).toEqual(
      new Set(["learnerAI"]),
    );
  });

  it("re-opens on a failed trial after the open period, and closes on a success", async () => {
    const breakers = new CircuitBreakers(redis, { failureThreshold: 2, openSeconds: 10 });
    await breakers.record(failures("auth", 2), t0);
    await breakers.record(failures("auth", 1), at(11));
    expect(await breakers.open(["auth"], at(12))).toEqual(new Set(["auth"]));
    await breakers.record(new Map([["auth", { failures: 0, successes: 1 }]]), at(25));
    expect(await breakers.open(["auth"], at(25))).toEqual(new Set());
    await breakers.record(failures("auth", 1), at(26));
    expect(await breakers.open(["auth"], at(26))).toEqual(new Set());
  });

  it("fails open when Redis is unreachable", async () => {
    const unreachable = new Redis({ url: "http://127.0.0.1:9", token: "x", retry: false });
    const breakers = new CircuitBreakers(unreachable, { failureThreshold: 1, openSeconds: 60 });
    expect(await breakers.open(["devLab"], t0)).toEqual(new Set());
    await expect(breakers.record(failures("devLab", 1), t0)).resolves.toBeUndefined();
  });
});
