import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORED_RANGES, type StoredRange } from "../../core/domain/time-range";
import { peerPercentiles, scoreDistribution } from "../../jobs/math/distribution";
import { startTestDatabase, type TestDatabase } from "../../test/database";
import type { Database } from "../client";
import { writeAggregates, writePeerPercentiles } from "./aggregates";

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

/** Average score per stored range in one course (null: no scored attempt in that range). */
type Scores = Record<StoredRange, number | null>;
interface Learner {
  velocity: number;
  courses: Record<string, Scores>;
  /** A course listed a second time in the learner's courses: it counts once for the percentile. */
  repeated?: string;
}

const scores = (d7: number | null, d30: number | null, d90: number | null): Scores => ({ "7d": d7, "30d": d30, "90d": d90 });

/**
 * Course A: velocities 0, 1, 2, 2, 2, 3.5; B: 1, 2, 2, 2; C: only x; D: only lone; E: 0, 0, 1, 1, 1.
 * Scores include the edges 0, 0.3, 0.95 and 1, and floating error on both sides of an edge.
 */
const LEARNERS: Record<string, Learner> = {
  low: { velocity: 0, courses: { A: scores(0.1 + 0.2, 0.3, 0.6), E: scores(0.5, 0.5, 0.5) } },
  one: { velocity: 1, courses: { A: scores(0.2999, 0, 0.65), B: scores(0.3, 0.3, null) } },
  x: { velocity: 2, courses: { A: scores(0.7, 1, 0.999), B: scores(0.3, 0.31, 0.1), C: scores(0.4, 0.4, 0.4) } },
  y: { velocity: 2, courses: { A: scores(0.3, 0.95, 0.1), B: scores(null, 0.29, 0.2) }, repeated: "B" },
  z: { velocity: 2, courses: { A: scores(null, 0.3 - 0.1, 0.9) } },
  top: { velocity: 3.5, courses: { A: scores(0.05, null, 0.5) } },
  w: { velocity: 2, courses: { B: scores(0.9, 0.1, 0) } },
  lone: { velocity: 5, courses: { D: scores(0.8, 0.8, 0.8) } },
  e1: { velocity: 0, courses: { E: scores(0, 1, 0.3) } },
  e2: { velocity: 1, courses: { E: scores(0.7, 0.71, 0.69) } },
  e3: { velocity: 1, courses: { E: scores(0.1, 0.2, 0.3) } },
  e4: { velocity: 1, courses: { E: scores(null, null, 1) } },
  none: { velocity: 1, courses: {} },
};

const courseId = (name: string) => `c0000000-0000-4000-8000-00000000000${name}`;

/** The layer-2 metrics the aggregate step reads, as `learnerMetrics` shapes them. */
const metrics = (learner: Learner) => {
  const courses = [...Object.keys(learner.courses), ...(learner.repeated ? [learner.repeated] : [])].map(courseId);
  return {
    velocity: { unitsPerWeek: learner.velocity, peerPercentile: null },
    mastery: { overall: 0.5 },
    atRisk: { probability: 0.2 },
    courses: courses.map((id) => ({
      courseId: id,
      progress: 0.5,
      status: "in_progress",
      atRisk: { probability: 0.2 },
    })),
    ranges: Object.fromEntries(
      STORED_RANGES.map((range) => [
        range,
        {
          unitsPerWeek: learner.velocity,
          engagement: { score: 50 },
          courses: Object.entries(learner.courses).map(([name, s]) => ({
            courseId: courseId(name),
            averageScore: s[range],
            completed: false,
          })),
        },
      ]),
    ),
  };
};

/** A fresh organisation (minimum group size 2) with one run whose analytics are `LEARNERS`; ids by name. */
async function seed(slug: string) {
  const org = (await client.query("insert into organizations (slug, name, min_group_size) values ($1, $1, 2) returning id", [slug])).rows[0]
    .id as string;
  const run = (
    await client.query("insert into pipeline_runs (organization_id, scope, scope_id) values ($1, 'organization', $1) returning id", [org])
  ).rows[0].id as string;
  const ids = new Map<string, string>();
  for (const [name, learner] of Object.entries(LEARNERS)) {
    const id = (
      await client.query("insert into users (organization_id, email, name, role) values ($1, $2, $3, 'learner') returning id", [
        org,
        `${slug}-${name}@example.test`,
        name,
      ])
    ).rows[0].id as string;
    ids.set(name, id);
    await client.query(
      `insert into learner_analytics (run_id, organization_id, user_id, metrics, metrics_hash, expires_at)
       values ($1, $2, $3, $4, 'h', now() + interval '1 day')`,
      [run, org, id, JSON.stringify(metrics(learner))],
    );
  }
  return { org, run, ids };
}

async function storedPercentiles(run: string, ids: Map<string, string>) {
  const rows = (
    await client.query("select user_id, metrics #> '{velocity,peerPercentile}' as p from learner_analytics where run_id = $1", [run])
  ).rows as { user_id: string; p: number | null }[];
  const byId = new Map(rows.map((row) => [row.user_id, row.p]));
  return Object.fromEntries([...ids].map(([name, id]) => [name, byId.get(id)]));
}

describe("peer percentiles: SQL and TypeScript agree", () => {
  it("writes the mid-rank percentile among the other learners of each course, averaged over the courses with peers", async () => {
    const { org, run, ids } = await seed("aggregates-percentiles");
    const changed = await writePeerPercentiles(db, org, run);

    const sql = await storedPercentiles(run, ids);
    const ts = Object.fromEntries(
      peerPercentiles(
        Object.entries(LEARNERS).map(([name, l]) => ({
          id: name,
          value: l.velocity,
          groups: [...Object.keys(l.courses), ...(l.repeated ? [l.repeated] : [])],
        })),
      ),
    );
    expect(sql).toEqual(ts);
    // Hand-checked: low: A 0 of 5 below → 0, E (0 + ½·1) / 4 = 12.5, mean 6.25 → 6.3 (half up).
    // x, y: A (2 + ½·2) / 5 = 60, B (1 + ½·2) / 3 = 66.67 (x's C has no peers), mean 63.3.
    expect(sql).toEqual({
      low: 6.3,
      one: 10,
      x: 63.3,
      y: 63.3,
      z: 60,
      top: 100,
      w: 66.7,
      lone: null,
      e1: 12.5,
      e2: 75,
      e3: 75,
      e4: 75,
      none: null,
    });
    // Unchanged (null before and after): the lone learner and the one without courses.
    expect(new Set(changed)).toEqual(new Set([...ids].filter(([name]) => name !== "lone" && name !== "none").map(([, id]) => id)));
    expect(await writePeerPercentiles(db, org, run)).toEqual([]);
  });

  it("clears a percentile the learner no longer has peers for", async () => {
    const { org, run, ids } = await seed("aggregates-lone");
    const lone = ids.get("lone");
    await client.query("update learner_analytics set metrics = jsonb_set(metrics, '{velocity,peerPercentile}', '40') where user_id = $1", [
      lone,
    ]);
    expect(await writePeerPercentiles(db, org, run)).toContain(lone);
    expect((await storedPercentiles(run, ids)).lone).toBeNull();
  });
});

describe("score histograms: SQL and TypeScript agree", () => {
  it("bins each course's average scores as scoreDistribution does, for every range", async () => {
    const { org, run } = await seed("aggregates-histograms");
    await writeAggregates(db, org, run, new Date("2026-11-24T00:00:00Z"), new Date("2033-11-24T00:00:00Z"));
    const rows = (
      await client.query("select group_key, metrics from aggregate_metrics where organization_id = $1 and level = 'course'", [org])
    ).rows as { group_key: string; metrics: { ranges: Record<StoredRange, { scoreHistogram: number[] }> } }[];
    const sql = new Map(rows.map((row) => [row.group_key, row.metrics.ranges]));

    // C and D have one learner each: under the minimum group size of 2, not written.
    expect([...sql.keys()].sort()).toEqual(["A", "B", "E"].map(courseId));
    for (const name of ["A", "B", "E"]) {
      for (const range of STORED_RANGES) {
        const values = Object.values(LEARNERS).flatMap((l) => {
          const score = l.courses[name]?.[range];
          return score == null ? [] : [score];
        });
        const counts = scoreDistribution(values).histogram.map((bin) => bin.count);
        expect({ name, range, counts: sql.get(courseId(name))?.[range].scoreHistogram }).toEqual({ name, range, counts });
      }
    }
    // Hand-checked, A in 30 days: 0 → [0, 0.1); 0.3 − 0.1 = 0.19999999999999998 → [0.2, 0.3);
    // 0.3 → [0.3, 0.4); 0.95 and 1 → [0.9, 1]; top has no score.
    expect(sql.get(courseId("A"))?.["30d"].scoreHistogram).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 0, 2]);
    // A in 7 days: 0.05; 0.2999; 0.1 + 0.2 = 0.30000000000000004 and 0.3; 0.7 (0.7 · 10 = 7.000000000000001).
    expect(sql.get(courseId("A"))?.["7d"].scoreHistogram).toEqual([1, 0, 1, 2, 0, 0, 0, 1, 0, 0]);
  });
});
