import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roster } from "../../dev/demo/roster";
import { startTestApi, type TestApi } from "../harness";
import { database, eventually } from "../pipeline";

let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;

beforeAll(async () => {
  api = await startTestApi({ PIPELINE_BATCH_SIZE: "50" });
  db = await database(api);
});

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

describe("the nightly run", () => {
  it("runs every organisation in batches, refits the skill models and aggregates; the hourly clean-up removes what is past retention", async () => {
    const organization = (slug: string) => roster.organizations.find((o) => o.slug === slug)!.id;
    const org = organization("acme");
    const learner = roster.users.find((u) => u.email === "learner@acme.test")!.id;
    // Rows past their retention, which the clean-up must remove.
    const stale = await db.client.query(
      `insert into pipeline_runs (organization_id, scope, scope_id, status, finished_at) values ($1, 'user', $2, 'completed', now() - interval '40 days') returning id`,
      [org, learner],
    );
    const staleRun = stale.rows[0].id;
    await db.client.query(
      `insert into source_snapshots (run_id, organization_id, service, subject, payload, expires_at) values ($1, $2, 'auth', 'user:x', '{}', now() - interval '1 day')`,
      [staleRun, org],
    );
    await db.client.query(
      `insert into aggregate_metrics (organization_id, level, group_key, period_start, group_size, metrics, expires_at)
       values ($1, 'organization', $2, now() - interval '8 years', 10, '{}', now() - interval '1 year'),
              ($1, 'organization', $2, now() - interval '2 years', 10, '{}', now() + interval '5 years')`,
      [org, org],
    );

    const cron = await api.worker.fetch("/__scheduled?cron=0+2+*+*+*");
    expect(cron.status).toBe(200);

    const nightly = await eventually(
      async () => {
        const row = (await db.client.query("select id, status, error from pipeline_runs where scope = 'nightly'")).rows[0];
        return row && row.status !== "queued" && row.status !== "running" ? row : undefined;
      },
      120_000,
      "the nightly run to finish",
    );
    expect(nightly).toMatchObject({ status: "completed", error: null });

    const children = (
      await db.client.query("select scope_id, status, batch_count from pipeline_runs where parent_run_id = $1", [nightly.id])
    ).rows;
    expect(children).toHaveLength(2);
    expect(children.every((run) => run.status === "completed")).toBe(true);
    const acmeLearners = roster.users.filter((u) => u.organizationId === org && u.role === "learner").length;
    expect(children.find((run) => run.scope_id === org)?.batch_count).toBe(Math.ceil(acmeLearners / 50));
    expect(await db.count("learner_analytics", "organization_id = $1", [org])).toBe(acmeLearners);
    expect(await db.count("skill_models", "organization_id = $1", [org])).toBeGreaterThan(0);
    expect(await db.count("aggregate_metrics", "organization_id = $1 and level = 'course' and run_id is not null", [org])).toBeGreaterThan(
      0,
    );

    // The cohort context of Acme's courses, from this night's snapshots (which the finished run deleted):
    // a mean per assessment only where at least 5 learners submitted it, fail rates of earlier offerings.
    const cohorts = (
      await db.client.query(
        `select c.learners, c.course_fail_rate, m.value::float8 as mean
         from course_cohort_context c left join jsonb_each(c.assessment_means) m on true where c.organization_id = $1`,
        [org],
      )
    ).rows as { learners: number; course_fail_rate: number | null; mean: number | null }[];
    const means = cohorts.flatMap(({ mean, learners }) => (mean === null ? [] : [{ mean, learners }]));
    expect(means.length).toBeGreaterThan(0);
    expect(means.every(({ mean, learners }) => mean > 0 && mean <= 1 && learners >= 5)).toBe(true);
    expect(cohorts.some((row) => row.course_fail_rate !== null)).toBe(true);
    expect(
      await db.count("source_snapshots", "run_id = (select id from pipeline_runs where parent_run_id = $1 and scope_id = $2)", [
        nightly.id,
        org,
      ]),
    ).toBe(0);

    // The organisation's at-risk share counts learners with an enrolment flagged at_risk (the stored
    // status, not a probability cut), and no withdrawn or completed enrolment is ever flagged.
    const shares = (
      await db.client.query(
        `select (a.metrics #>> '{ranges,30d,atRiskShare}')::float8 as stored,
                (select avg((exists (select 1 from jsonb_array_elements(la.metrics->'courses') c
                                     where c #>> '{atRisk,status}' = 'at_risk'))::int)::float8
                 from learner_analytics la where la.organization_id = $1) as flagged
         from aggregate_metrics a where a.organization_id = $1 and a.level = 'organization' and a.run_id is not null`,
        [org],
      )
    ).rows[0];
    expect(shares.flagged).toBeGreaterThan(0);
    expect(shares.stored).toBeCloseTo(shares.flagged, 4);
    expect(
      await db.count(
        "learner_analytics la, jsonb_array_elements(la.metrics->'courses') c",
        "la.organization_id = $1 and c->>'status' in ('withdrawn', 'completed') and c #>> '{atRisk,status}' = 'at_risk'",
        [org],
      ),
    ).toBe(0);

    // Globex has two people: below the minimum group size, so none of its groups is stored.
    expect(await db.count("aggregate_metrics", "organization_id = $1", [organization("globex")])).toBe(0);

    // The clean-up runs on its own hourly trigger, not at the end of the nightly run.
    expect(await db.count("pipeline_runs", "id = $1", [staleRun])).toBe(1);
    expect((await api.worker.fetch(`/__scheduled?cron=${encodeURIComponent("15 * * * *")}`)).status).toBe(200);
    await eventually(
      async () => ((await db.count("pipeline_runs", "id = $1", [staleRun])) === 0 ? true : undefined),
      30_000,
      "the clean-up",
    );
    expect(await db.count("source_snapshots", "subject = 'user:x'")).toBe(0);
    expect(await db.count("aggregate_metrics", "period_start < now() - interval '7 years'")).toBe(0);
    expect(await db.count("aggregate_metrics", "period_start between now() - interval '3 years' and now() - interval '1 year'")).toBe(1);
  });
});
