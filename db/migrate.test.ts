import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresHandle } from "../dev/postgres";
import { startTestPostgres } from "../test/postgres";
import { applyMigrations } from "./migrate";

let postgres: PostgresHandle;
let client: pg.Client;

beforeAll(async () => {
  postgres = await startTestPostgres();
  client = new pg.Client(postgres.url);
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await postgres?.stop();
});

const snapshot = async () => ({
  migrations: (await client.query("select hash, created_at from drizzle.__drizzle_migrations order by id")).rows,
  tables: (await client.query("select table_name from information_schema.tables where table_schema = 'public' order by 1")).rows.map(
    (row) => row.table_name,
  ),
});

describe("applyMigrations", () => {
  it("creates the schema, and applying again changes nothing", async () => {
    await applyMigrations(postgres.url);
    const first = await snapshot();
    expect(first.tables).toEqual([
      "access_revocations",
      "aggregate_metrics",
      "course_cohort_context",
      "course_trainers",
      "courses",
      "enrolments",
      "learner_analytics",
      "organizations",
      "pipeline_runs",
      "pipeline_steps",
      "refresh_tokens",
      "report_chunks",
      "reports",
      "run_learners",
      "skill_models",
      "source_snapshots",
      "users",
      "webhook_deliveries",
    ]);
    expect(first.migrations.length).toBeGreaterThan(0);

    await applyMigrations(postgres.url);
    expect(await snapshot()).toEqual(first);
  });

  it("lets two migrators race without failing", async () => {
    await Promise.all([applyMigrations(postgres.url), applyMigrations(postgres.url)]);
    const { rows } = await client.query("select count(*)::int as n from drizzle.__drizzle_migrations");
    expect(rows[0].n).toBe((await snapshot()).migrations.length);
  });

  it("enforces lower-case emails", async () => {
    await applyMigrations(postgres.url); // the schema, whichever test runs first (applying again changes nothing)
    const org = await client.query("insert into organizations (slug, name) values ('case-test', 'Case') returning id");
    await expect(
      client.query("insert into users (organization_id, email, name, role) values ($1, 'Mixed@Case.test', 'M', 'learner')", [
        org.rows[0].id,
      ]),
    ).rejects.toMatchObject({ code: "23514" });
  });
});
