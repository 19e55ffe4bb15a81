import type { Redis } from "@upstash/redis/cloudflare";

/** What a cached analytics answer is about. */
export type CacheSubject = { kind: "learner" | "trainer" | "course" | "organization"; id: string };

/**
 * Each cached answer is stamped with the version of its subject it was built for. Invalidating a
 * subject is one INCR of its version (O(1), no KEYS or SCAN): readers compare the stamp with the
 * version in the same script call and miss, and the next answer they build overwrites the entry
 * (functions/services/analytics-cache.ts).
 */
export const versionKey = ({ kind, id }: CacheSubject) => `cache:version:${kind}:${id}`;

/**
 * Commands per pipeline request: an organisation-wide invalidation (10,000 learners) goes out as
 * ten requests of about 60 KB rather than one of 600 KB, well inside Upstash's request size limit
 * at any organisation size, and still a handful of subrequests.
 */
export const BUMPS_PER_REQUEST = 1_000;

/** Moves every given subject to a new version, in pipelines of at most BUMPS_PER_REQUEST commands. */
export async function bumpVersions(redis: Redis, subjects: CacheSubject[]): Promise<void> {
  for (let start = 0; start < subjects.length; start += BUMPS_PER_REQUEST) {
    const pipeline = redis.pipeline();
    for (const subject of subjects.slice(start, start + BUMPS_PER_REQUEST)) pipeline.incr(versionKey(subject));
    await pipeline.exec();
  }
}
