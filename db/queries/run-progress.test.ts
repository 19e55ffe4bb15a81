import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDatabase, type TestDatabase } from "../../test/database";
import type { Database } from "../client";
import { runProgress } from "./run-progress";

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

/** A run with the given step rows: [step, batch, status, attempts, detail, error, started, finished]. */
async function runWithSteps(steps: [string, number, string, number, object | null, string | null, string, string | null][]) {
  const org = (await client.query("insert into organizations (slug, name) values (gen_random_uuid()::text, 'P') returning id")).rows[0].id;
  const run = (
    await client.query("insert into pipeline_runs (organization_id, scope, scope_id) values ($1, 'organization', $1) returning id", [org])
  ).rows[0].id as string;
  for (const [step, batch, status, attempts, detail, error, startedAt, finishedAt] of steps) {
    await client.query(
      `insert into pipeline_steps (run_id, step, batch, status, attempts, detail, error, started_at, finished_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [run, step, batch, status, attempts, detail, error, startedAt, finishedAt],
    );
  }
  return run;
}

const coverage = (ok: number, failed: number, lastError?: string) => ({ ok, failed, ...(lastError ? { lastError } : {}) });

describe("runProgress", () => {
  it("sums each step over its batches and each source over the completed collect batches, in the database", async () => {
    const runId = await runWithSteps([
      ["plan", 0, "completed", 1, { learners: 25 }, null, "2026-11-30T02:00:00Z", "2026-11-30T02:00:01Z"],
      [
        "collect",
        0,
        "completed",
        1,
        { sources: { auth: coverage(10, 0), devLab: coverage(8, 2, "HTTP 503") } },
        null,
        "2026-11-30T02:00:02Z",
        "2026-11-30T02:00:05Z",
      ],
      [
        "collect",
        1,
        "completed",
        2,
        { sources: { auth: coverage(9, 1, "timeout after 5000 ms"), devLab: coverage(10, 0) } },
        null,
        "2026-11-30T02:00:03Z",
        "2026-11-30T02:00:09Z",
      ],
      ["collect", 2, "failed", 3, null, "no upstream source answered", "2026-11-30T02:00:04Z", "2026-11-30T02:00:06Z"],
      // A batch still running counts as begun, not completed, and its (absent) detail adds nothing.
      ["analyze", 0, "running", 1, null, null, "2026-11-30T02:00:10Z", null],
    ]);
    const { steps, sources } = await runProgress(db, runId);
    const byStep = Object.fromEntries(steps.map((step) => [step.step, step]));
    expect(byStep.collect).toMatchObject({ begun: 3, completed: 2, attempts: 6, failed: true, error: "no upstream source answered" });
    expect(byStep.collect?.startedAt?.toISOString()).toBe("2026-11-30T02:00:02.000Z");
    expect(byStep.collect?.finishedAt?.toISOString()).toBe("2026-11-30T02:00:09.000Z");
    expect(byStep.analyze).toMatchObject({ begun: 1, completed: 0, failed: false, error: null, finishedAt: null });
    expect(byStep.fit).toBeUndefined();
    expect(Object.fromEntries(sources.map((source) => [source.service, source]))).toEqual({
      auth: { service: "auth", ok: 19, failed: 1, lastError: "timeout after 5000 ms" },
      devLab: { service: "devLab", ok: 18, failed: 2, lastError: "HTTP 503" },
    });
  });

  it("is empty for a run no step has begun", async () => {
    expect(await runProgress(db, await runWithSteps([]))).toEqual({ steps: [], sources: [] });
  });
});
