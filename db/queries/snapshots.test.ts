import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDatabase, type TestDatabase } from "../../test/database";
import type { Database } from "../client";
import { upsertSnapshots } from "./snapshots";

let testDb: TestDatabase;
let client: pg.Client;
let db: Database;

beforeAll(async () => {
  // A request limit of 20 kB stands in for Neon's 10 MiB.
  testDb = await startTestDatabase({ maxRequestBytes: 20_000 });
  ({ db, client } = testDb);
});

afterAll(async () => {
  await testDb?.stop();
});

describe("upsertSnapshots", () => {
  it("splits the rows into statements under the request limit, and a redelivery overwrites them", async () => {
    const org = (await client.query("insert into organizations (slug, name) values ('snap1', 'snap1') returning id")).rows[0].id as string;
    const runId = (
      await client.query("insert into pipeline_runs (organization_id, scope, scope_id) values ($1, 'organization', $1) returning id", [org])
    ).rows[0].id as string;
    // Ten rows of ~5 kB: 50 kB in one statement would be refused; 8 kB a statement makes ten of one row.
    const rows = (fill: string) =>
      Array.from({ length: 10 }, (_, i) => ({
        runId,
        organizationId: org,
        service: "auth",
        subject: `user:${i}`,
        payload: { text: fill.repeat(5_000) },
        expiresAt: new Date("2026-12-01T00:00:00Z"),
      }));
    await expect(upsertSnapshots(db, rows("a"), 50_000)).rejects.toThrow();
    await upsertSnapshots(db, rows("a"), 8_000);
    await upsertSnapshots(db, rows("b"), 8_000);
    const stored = await client.query("select subject, payload->>'text' as text from source_snapshots where run_id = $1", [runId]);
    expect(stored.rows).toHaveLength(10);
    expect(stored.rows.every((row) => row.text === "b".repeat(5_000))).toBe(true);
  });
});
