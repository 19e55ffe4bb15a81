import type { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import { BUMPS_PER_REQUEST, bumpVersions, type CacheSubject } from "./cache-versions";

/** A Redis whose pipelines record their INCRs; each `exec` is one REST request. */
function recordingRedis() {
  const requests: string[][] = [];
  const redis = {
    pipeline() {
      const keys: string[] = [];
      const pipeline = {
        incr(key: string) {
          keys.push(key);
          return pipeline;
        },
        exec: async () => {
          requests.push(keys);
          return keys.map(() => 1);
        },
      };
      return pipeline;
    },
  } as unknown as Redis;
  return { redis, requests };
}

const learners = (n: number): CacheSubject[] => Array.from({ length: n }, (_, i) => ({ kind: "learner", id: `l${i}` }));

describe("bumpVersions", () => {
  it("sends an organisation-wide invalidation in requests of at most BUMPS_PER_REQUEST commands, each subject once", async () => {
    const { redis, requests } = recordingRedis();
    await bumpVersions(redis, learners(2 * BUMPS_PER_REQUEST + 5));
    expect(requests.map((keys) => keys.length)).toEqual([BUMPS_PER_REQUEST, BUMPS_PER_REQUEST, 5]);
    expect(new Set(requests.flat()).size).toBe(2 * BUMPS_PER_REQUEST + 5);
    expect(requests[0]?.[0]).toBe("cache:version:learner:l0");
  });

  it("makes no request when nothing changed", async () => {
    const { redis, requests } = recordingRedis();
    await bumpVersions(redis, []);
    expect(requests).toEqual([]);
  });
});
