import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresHandle } from "../dev/postgres";
import { startTestPostgres } from "../test/postgres";
import { applyMigrations } from "./migrate";

/**
 * Every hot query of the pipeline and the retention clean-up is served by an index. The tables
 * here are nearly empty, where a sequential scan is always cheapest, so sequential scans are
 * priced out (`enable_seqscan = off`): what remains is the plan Postgres uses on a large table,
 * and a query with no usable index still shows "Seq Scan". The README lists these plans.
 */
let postgres: PostgresHandle;
let client: pg.Client;

beforeAll(async () => {
  postgres = await startTestPostgres();
  await applyMigrations(postgres.url);
  client = new pg.Client(postgres.url);
  await client.connect();
  await client.query("set enable_seqscan = off");
});

afterAll(async () => {
  await client?.end();
  await postgres?.stop();
});

const ID = "00000000-0000-4000-8000-000000000001";

/** The plan of a statement as text, one node per line. */
async function plan(statement: string, params: unknown[] = []): Promise<string> {
  const { rows } = await client.query(`explain ${statement}`, params);
  return rows.map((row) => row["QUERY PLAN"]).join("\n");
}

describe("the hot queries use their indexes", () => {
  it("the aggregate step's latest analytics per learner of one organisation", async () => {
    const text = await plan(
      `select distinct on (la.user_id) la.user_id, la.metrics from learner_analytics la
       where la.organization_id = $1 order by la.user_id, la.computed_at desc`,
      [ID],
    );
    expect(text).toContain("learner_analytics_organization_user_computed_idx");
    expect(text).not.toMatch(/Seq Scan on learner_analytics/);
  });

  it("a nightly run's children, when one finishes", async () => {
    const text = await plan("select id, status from pipeline_runs where parent_run_id = $1", [ID]);
    expect(text).toContain("pipeline_runs_parent_idx");
  });

  it("deleting a run clears its aggregates' run_id through an index, not a scan of 7 years", async () => {
    const text = await plan("update aggregate_metrics set run_id = null where run_id = $1", [ID]);
    expect(text).toContain("aggregate_metrics_run_idx");
  });

  it("the hourly sweep's unfinished runs, not the 30 days of finished ones", async () => {
    const text = await plan("select id from pipeline_runs where status in ('queued', 'running') limit 1000");
    expect(text).toContain("pipeline_runs_unfinished_idx");
  });

  it("the plan step's learners of an organisation, in id order", async () => {
    const text = await plan("select id from users where organization_id = $1 and role = 'learner' order by id", [ID]);
    expect(text).toContain("users_organization_role_id_idx");
    expect(text).not.toContain("Sort");
  });

  it("a batch's learners, as the plan step fixed them", async () => {
    const text = await plan("select user_id from run_learners where run_id = $1 and batch = $2 order by user_id", [ID, 7]);
    expect(text).toContain("run_learners_run_id_batch_user_id_pk");
    expect(text).not.toContain("Sort");
  });

  it("each retention rule finds its expired rows by index", async () => {
    for (const [table, index] of [
      ["source_snapshots", "source_snapshots_expires_idx"],
      ["learner_analytics", "learner_analytics_expires_idx"],
      ["aggregate_metrics", "aggregate_metrics_expires_idx"],
      ["reports", "reports_expires_idx"],
    ]) {
      const text = await plan(`select id from ${table} where expires_at < $1 order by expires_at limit 1000`, [new Date().toISOString()]);
      expect(text, table).toContain(index);
    }
  });

  it("a run's snapshots of a batch (collect writes, analyze reads)", async () => {
    const text = await plan("select payload from source_snapshots where run_id = $1 and subject = any($2)", [ID, ["user:x"]]);
    expect(text).toContain("source_snapshots_run_service_subject_key");
  });
});
