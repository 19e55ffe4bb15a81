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

/** Moves every given subject to a new version, in one round trip. */
export async function bumpVersions(redis: Redis, subjects: CacheSubject[]): Promise<void> {
  if (subjects.length === 0) return;
  const pipeline = redis.pipeline();
  for (const subject of subjects) pipeline.incr(versionKey(subject));
  await pipeline.exec();
}
