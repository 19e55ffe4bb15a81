import { describe, expect, it } from "vitest";
import { productionEnv } from "../test/env-fixture";
import { loadEnv } from "./env";

const valid = productionEnv;

describe("loadEnv", () => {
  it("accepts a complete environment and fills the defaults", () => {
    const result = loadEnv({ ...valid });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.env.QSTASH_URL).toBe("https://qstash.upstash.io");
    expect(result.env.HEALTH_CHECK_TIMEOUT_MS).toBe(2000);
    expect(result.env.ENVIRONMENT).toBe("production");
    expect(result.env.NEON_FETCH_ENDPOINT).toBeUndefined();
  });

  it("names every missing variable at once", () => {
    const result = loadEnv({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      "DATABASE_URL: is missing",
      "UPSTASH_REDIS_REST_URL: is missing",
      "UPSTASH_REDIS_REST_TOKEN: is missing",
      "QSTASH_TOKEN: is missing",
      "QSTASH_CURRENT_SIGNING_KEY: is missing",
      "QSTASH_NEXT_SIGNING_KEY: is missing",
      "JWT_SIGNING_KEYS: is missing",
      "JOBS_BASE_URL: is missing",
      "UPSTREAM_BASE_URL: is missing",
      "REPORT_URL_KEYS: is missing",
    ]);
  });

  it("says which variable is malformed and why", () => {
    const result = loadEnv({ ...valid, DATABASE_URL: "mysql://x", UPSTASH_REDIS_REST_URL: "ftp://x", HEALTH_CHECK_TIMEOUT_MS: "soon" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(3);
    expect(result.problems[0]).toBe("DATABASE_URL: must be a postgres:// or postgresql:// URL");
    expect(result.problems[1]).toMatch(/^UPSTASH_REDIS_REST_URL: /);
    expect(result.problems[2]).toMatch(/^HEALTH_CHECK_TIMEOUT_MS: /);
  });

  it("validates an env object once and remembers the outcome", () => {
    const raw = { ...valid };
    expect(loadEnv(raw)).toBe(loadEnv(raw));
  });
});
