import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDatabase, type TestDatabase } from "../../test/database";
import type { Database } from "../client";
import { answerPatterns, answerPatternsBySkill, MAX_PATTERN_ANSWERS } from "./skill-models";

let testDb: TestDatabase;
let client: pg.Client;
let db: Database;

beforeAll(async () => {
  testDb = await startTestDatabase();
  ({ db, client } = testDb);
});

afterAll(async () => {
  await testDb?.stop();
});

// Skill ids sort as A < B (the patterns come in skill, then pattern order).
const A = "aaaaaaaa-0000-4000-8000-000000000000";
const B = "bbbbbbbb-0000-4000-8000-000000000000";
const learner = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const minute = (m: number) => new Date(Date.UTC(2026, 10, 1, 9, m)).toISOString();

/** An attempt of `learnerId` whose items are [skill, correct, minute answered]. */
const attempt = (learnerId: string, items: [string, boolean, number][]) => ({
  learnerId,
  items: items.map(([skillId, correct, m]) => ({ skillId, correct, answeredAt: minute(m) })),
});

/** A run of a fresh organisation with one assessment snapshot per learner (`payloads[userId]` = its attempts). */
async function runWith(slug: string, payloads: Record<string, ReturnType<typeof attempt>[]>) {
  const org = (await client.query("insert into organizations (slug, name) values ($1, $1) returning id", [slug])).rows[0].id as string;
  const run = (
    await client.query("insert into pipeline_runs (organization_id, scope, scope_id) values ($1, 'organization', $1) returning id", [org])
  ).rows[0].id as string;
  for (const [userId, attempts] of Object.entries(payloads)) {
    await client.query(
      `insert into source_snapshots (run_id, organization_id, service, subject, payload, expires_at)
       values ($1, $2, 'assessment', $3, $4, now() + interval '1 day')`,
      [run, org, `user:${userId}`, JSON.stringify({ data: { attempts } })],
    );
  }
  return run;
}

describe("answerPatterns: the sufficient statistics of the skill models, in SQL", () => {
  it("counts each learner's answers per skill in time order as one pattern, and learners with the same pattern", async () => {
    const run = await runWith("patterns1", {
      // Learner 1: A = 0,1,1 (the second attempt was answered earlier: time order, not payload order); B = 1.
      [learner(1)]: [
        attempt(learner(1), [
          [A, true, 10],
          [B, true, 11],
          [A, true, 12],
        ]),
        attempt(learner(1), [[A, false, 1]]),
      ],
      // Learner 2: A = 0,1,1 like learner 1; a row of another learner in the payload does not count.
      [learner(2)]: [
        attempt(learner(2), [
          [A, false, 1],
          [A, true, 2],
          [A, true, 3],
        ]),
        attempt(learner(9), [[A, false, 4]]),
      ],
      // Learner 3: A = 1; B = 1 like learner 1, then one wrong: 1,0.
      [learner(3)]: [
        attempt(learner(3), [
          [B, true, 1],
          [A, true, 2],
          [B, false, 3],
        ]),
      ],
    });
    expect(await answerPatterns(db, run, null, 100)).toEqual([
      { skill: A, pattern: "011", learners: 2 },
      { skill: A, pattern: "1", learners: 1 },
      { skill: B, pattern: "1", learners: 1 },
      { skill: B, pattern: "10", learners: 1 },
    ]);
  });

  it(`keeps a learner's first ${MAX_PATTERN_ANSWERS} answers of a skill`, async () => {
    // 60 answers: 10 wrong, then 50 right; the pattern is the first 50 (10 zeros, 40 ones).
    const items = Array.from({ length: 60 }, (_, i): [string, boolean, number] => [A, i >= 10, i]);
    const run = await runWith("patterns2", { [learner(1)]: [attempt(learner(1), items)] });
    expect(await answerPatterns(db, run, null, 100)).toEqual([{ skill: A, pattern: `${"0".repeat(10)}${"1".repeat(40)}`, learners: 1 }]);
  });

  it("pages by keyset: small pages give the same patterns, each skill handed over whole", async () => {
    const patterns = ["0", "1", "00", "01", "10", "11"];
    const run = await runWith(
      "patterns3",
      Object.fromEntries(
        patterns.flatMap((pattern, p) =>
          [A, B].map((skill, s) => {
            const id = learner(10 + 2 * p + s);
            return [
              id,
              [
                attempt(
                  id,
                  [...pattern].map((c, i): [string, boolean, number] => [skill, c === "1", i]),
                ),
              ],
            ];
          }),
        ),
      ),
    );
    const whole = await answerPatterns(db, run, null, 100);
    expect(whole).toHaveLength(12);
    const paged = [];
    for await (const skill of answerPatternsBySkill(db, run, 5)) paged.push(skill);
    expect(paged).toEqual([
      { skill: A, patterns: whole.slice(0, 6) },
      { skill: B, patterns: whole.slice(6) },
    ]);
    expect(paged[0]?.patterns.map((p) => p.pattern)).toEqual(["0", "00", "01", "1", "10", "11"]);
  });
});
