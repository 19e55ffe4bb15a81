import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cohortMeanScores, courseFailRate } from "../../jobs/analyze/course-risk";
import { startTestDatabase, type TestDatabase } from "../../test/database";
import type { Database } from "../client";
import { cohortContextOf, refreshCohortContext } from "./cohort-context";

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

const C1 = "c1000000-0000-4000-8000-000000000001";
const C2 = "c2000000-0000-4000-8000-000000000002";
const A1 = "a1000000-0000-4000-8000-000000000001";
const A2 = "a2000000-0000-4000-8000-000000000002";
const A3 = "a3000000-0000-4000-8000-000000000003";
const A4 = "a4000000-0000-4000-8000-000000000004";
const learner = (n: number) => `1ea00000-0000-4000-8000-00000000000${n}`;
const L = [1, 2, 3, 4, 5, 6].map(learner);

type Attempt = { learner: string; course: string; assessment: string; score: number; maxScore: number };
type Offering = { offering: string; learners: number; completed: number; failed: number; withdrawn: number };

/** An organisation with its minimum group size and a run of it. */
async function organizationRun(slug: string, minGroupSize: number) {
  const org = (
    await client.query("insert into organizations (slug, name, min_group_size) values ($1, $1, $2) returning id", [slug, minGroupSize])
  ).rows[0].id as string;
  return { org, run: await newRun(org) };
}

async function newRun(org: string): Promise<string> {
  return (
    await client.query(
      "insert into pipeline_runs (organization_id, scope, scope_id, status) values ($1, 'organization', $1, 'running') returning id",
      [org],
    )
  ).rows[0].id as string;
}

/**
 * One learner's slimmed snapshots as collect stores them: their attempts (plus `foreign` ones a
 * service left in the payload, which belong to someone else), their enrolments, and the
 * catalogue of their courses with the courses' history repeated in every learner's copy.
 */
async function learnerSnapshots(
  org: string,
  run: string,
  userId: string,
  attempts: Attempt[],
  courses: { id: string; history: Offering[] }[],
  foreign: Attempt[] = [],
) {
  const envelope = (service: string) => ({
    service,
    scope: { type: "user", id: userId },
    generatedAt: "2026-03-01T00:00:00Z",
    window: { from: "2025-12-01T00:00:00Z", to: "2026-03-01T00:00:00Z" },
  });
  const assessment = {
    ...envelope("assessment"),
    data: {
      assessments: [],
      attempts: [...attempts, ...foreign].map((a, i) => ({
        id: `${a.learner.slice(0, 8)}-0000-4000-8000-${String(i).padStart(12, "0")}`,
        assessmentId: a.assessment,
        courseId: a.course,
        learnerId: a.learner,
        attempt: 1,
        startedAt: "2026-02-01T10:00:00Z",
        submittedAt: "2026-02-01T10:30:00Z",
        score: a.score,
        maxScore: a.maxScore,
        passed: null,
        items: [],
      })),
    },
  };
  const courseBuilder = {
    ...envelope("courseBuilder"),
    data: {
      courses: courses.map((c) => ({
        id: c.id,
        organizationId: org,
        code: c.id.slice(0, 4),
        title: "Course",
        trainerIds: [],
        modules: [],
        history: c.history,
      })),
      enrolments: courses.map((c) => ({ learnerId: userId, courseId: c.id, status: "in_progress" })),
    },
  };
  for (const [service, payload] of [
    ["assessment", assessment],
    ["courseBuilder", courseBuilder],
  ] as const) {
    await client.query(
      `insert into source_snapshots (run_id, organization_id, service, subject, payload, expires_at)
       values ($1, $2, $3, $4, $5, now() + interval '7 days')`,
      [run, org, service, `user:${userId}`, JSON.stringify(payload)],
    );
  }
}

/** Scores out of 10 on A1 (best of two for learners 1 and 5), out of 20 on A2 (four learners), out of 4 on A3 (five). */
const SCORES: Record<string, [string, number, number][]> = {
  [L[0]!]: [
    [A1, 6, 10],
    [A1, 8, 10],
    [A2, 10, 20],
    [A3, 1, 4],
    [A4, 3, 5],
  ],
  [L[1]!]: [
    [A1, 5, 10],
    [A2, 12, 20],
    [A3, 2, 4],
  ],
  [L[2]!]: [
    [A1, 10, 10],
    [A2, 14, 20],
    [A3, 3, 4],
  ],
  [L[3]!]: [
    [A1, 7, 10],
    [A2, 16, 20],
    [A3, 4, 4],
  ],
  [L[4]!]: [
    [A1, 4, 10],
    [A1, 9, 10],
    [A3, 4, 4],
  ],
  [L[5]!]: [[A1, 6, 10]],
};
const C1_HISTORY: Offering[] = [
  { offering: "2023A", learners: 20, completed: 15, failed: 3, withdrawn: 2 },
  { offering: "2023B", learners: 4, completed: 0, failed: 4, withdrawn: 0 },
  { offering: "2024A", learners: 10, completed: 8, failed: 1, withdrawn: 1 },
];
const C2_HISTORY: Offering[] = [{ offering: "2024A", learners: 3, completed: 0, failed: 3, withdrawn: 0 }];

/** The six learners' snapshots: all in C1, the first also in C2 (alone there). */
async function sixLearners(org: string, run: string, scores = SCORES) {
  for (const userId of L) {
    const attempts = (scores[userId] ?? []).map(([assessment, score, maxScore]) => ({
      learner: userId,
      course: assessment === A4 ? C2 : C1,
      assessment,
      score,
      maxScore,
    }));
    const courses =
      userId === L[0]
        ? [
            { id: C1, history: C1_HISTORY },
            { id: C2, history: C2_HISTORY },
          ]
        : [{ id: C1, history: C1_HISTORY }];
    // Learner 1's payload also carries learner 6's full marks on A2: counted, A2 would reach five contributors.
    const foreign = userId === L[0] ? [{ learner: L[5]!, course: C1, assessment: A2, score: 20, maxScore: 20 }] : [];
    await learnerSnapshots(org, run, userId, attempts, courses, foreign);
  }
}

const plain = (context: Map<string, { cohortMeanScores: ReadonlyMap<string, number>; courseFailRate: number | null }>) =>
  Object.fromEntries(
    [...context].map(([course, c]) => [course, { means: Object.fromEntries(c.cohortMeanScores), failRate: c.courseFailRate }]),
  );

describe("the cohort context, computed in SQL from a run's snapshots", () => {
  it("gives each assessment's mean best score over at least min_group_size learners, and the fail rate of large enough earlier offerings", async () => {
    const { org, run } = await organizationRun("cohort-a", 5);
    await sixLearners(org, run);
    expect(await refreshCohortContext(db, org, run)).toBe(2);

    const context = plain(await cohortContextOf(db, org, [C1, C2]));
    // By hand, with the definitions of the evaluation (each learner's best attempt / maxScore):
    // A1: (0.8 + 0.5 + 1.0 + 0.7 + 0.9 + 0.6) / 6 = 0.75; A3: (0.25 + 0.5 + 0.75 + 1 + 1) / 5 = 0.7 (exactly
    // the minimum); A2 has 4 learners (learner 6's attempt in learner 1's payload is not theirs): absent.
    // Fail rate: offerings 2023A and 2024A (2023B's 4 learners are too few): (3 + 2 + 1 + 1) / (20 + 10) = 7/30.
    expect(Object.keys(context[C1]!.means).sort()).toEqual([A1, A3]);
    expect(context[C1]!.means[A1]).toBeCloseTo(0.75, 12);
    expect(context[C1]!.means[A3]).toBeCloseTo(0.7, 12);
    expect(context[C1]!.failRate).toBeCloseTo(7 / 30, 12);
    // C2: one learner, one offering of 3: nothing may be said.
    expect(context[C2]).toEqual({ means: {}, failRate: null });

    const stored = (
      await client.query("select course_id, learners from course_cohort_context where organization_id = $1 order by learners", [org])
    ).rows;
    expect(stored).toEqual([
      { course_id: C2, learners: 1 },
      { course_id: C1, learners: 6 },
    ]);
  });

  it("agrees with the TypeScript definitions the evaluation runs (jobs/analyze/course-risk.ts)", async () => {
    for (const minGroupSize of [3, 5, 6, 7]) {
      const { org, run } = await organizationRun(`cohort-ts-${minGroupSize}`, minGroupSize);
      await sixLearners(org, run);
      await refreshCohortContext(db, org, run);
      const sql = plain(await cohortContextOf(db, org, [C1, C2]));
      for (const [course, history] of [
        [C1, C1_HISTORY],
        [C2, C2_HISTORY],
      ] as const) {
        const attempts = L.flatMap((learnerId) =>
          (SCORES[learnerId] ?? [])
            .filter(([assessment]) => (assessment === A4) === (course === C2))
            .map(([assessmentId, score, maxScore]) => ({ learnerId, assessmentId, submittedAt: "2026-02-01T10:30:00Z", score, maxScore })),
        );
        const means = Object.fromEntries(cohortMeanScores(attempts, new Date("2026-03-01T00:00:00Z"), minGroupSize));
        expect(Object.keys(sql[course]!.means).sort()).toEqual(Object.keys(means).sort());
        for (const [assessment, mean] of Object.entries(means)) expect(sql[course]!.means[assessment]).toBeCloseTo(mean, 12);
        const failRate = courseFailRate(history, minGroupSize);
        if (failRate === null) expect(sql[course]!.failRate).toBeNull();
        else expect(sql[course]!.failRate).toBeCloseTo(failRate, 12);
      }
    }
  });

  it("follows the organisation's own minimum group size", async () => {
    const { org, run } = await organizationRun("cohort-b", 7);
    await sixLearners(org, run);
    await refreshCohortContext(db, org, run);
    const context = plain(await cohortContextOf(db, org, [C1]));
    // Six contributors at most: no mean. Offerings of 20 and 10 learners still count, 4 does not.
    expect(context[C1]!.means).toEqual({});
    expect(context[C1]!.failRate).toBeCloseTo(7 / 30, 12);
  });

  it("is replaced by the next run's figures, which later runs read until then, and is read per organisation", async () => {
    const { org, run } = await organizationRun("cohort-c", 5);
    await sixLearners(org, run);
    await refreshCohortContext(db, org, run);

    // The next night only learners 1–4 submitted A1: too few, so A1's mean is gone rather than kept from before.
    const next = await newRun(org);
    const fewer = Object.fromEntries(L.map((id, i) => [id, i < 4 ? (SCORES[id] ?? []).filter(([a]) => a === A1) : []]));
    await sixLearners(org, next, fewer);
    await refreshCohortContext(db, org, next);
    expect(plain(await cohortContextOf(db, org, [C1]))[C1]!.means).toEqual({});

    const other = await organizationRun("cohort-d", 5);
    expect(await cohortContextOf(db, other.org, [C1])).toEqual(new Map());
    expect(await cohortContextOf(db, org, [])).toEqual(new Map());
  });
});
