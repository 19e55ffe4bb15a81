import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDatabase, type TestDatabase } from "../../test/database";
import type { Database } from "../client";
import { batchLearners, fixBatches } from "./run-batches";

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

/** An organisation (`slug`: 8 hex digits, the first part of its learners' ids) with learners, a trainer, and a queued run of it. */
async function organizationRun(slug: string, learners: number) {
  const org = (await client.query("insert into organizations (slug, name) values ($1, $1) returning id", [slug])).rows[0].id as string;
  const ids: string[] = [];
  for (let i = 0; i < learners; i += 1) {
    const id = `${slug}-0000-4000-8000-${String(i + 1).padStart(12, "0")}`;
    ids.push(id);
    await client.query("insert into users (id, organization_id, email, name, role) values ($1, $2, $3, 'L', 'learner')", [
      id,
      org,
      `${slug}-${i}@example.test`,
    ]);
  }
  await client.query("insert into users (organization_id, email, name, role) values ($1, $2, 'T', 'trainer')", [
    org,
    `${slug}-t@example.test`,
  ]);
  const run = (
    await client.query("insert into pipeline_runs (organization_id, scope, scope_id) values ($1, 'organization', $1) returning id", [org])
  ).rows[0].id as string;
  return { org, ids: ids.sort(), run: { id: run, scope: "organization" as const, scopeId: org, organizationId: org } };
}

describe("batches fixed at plan time", () => {
  it("cuts the organisation's learners (not its trainers) into batches in id order", async () => {
    const { ids, run } = await organizationRun("aaaa0001", 25);
    expect(await fixBatches(db, run, 10)).toEqual({ learners: 25, batches: 3 });
    expect(await batchLearners(db, run.id, 0)).toEqual(ids.slice(0, 10));
    expect(await batchLearners(db, run.id, 1)).toEqual(ids.slice(10, 20));
    expect(await batchLearners(db, run.id, 2)).toEqual(ids.slice(20));
    expect(await batchLearners(db, run.id, 3)).toEqual([]);
  });

  it("keeps each batch's learners when the roster changes mid-run, and a redelivered plan changes nothing", async () => {
    const { org, ids, run } = await organizationRun("bbbb0002", 20);
    await fixBatches(db, run, 10);
    // A learner joins with an id sorting first, and one of batch 1 leaves: with OFFSET paging,
    // batch 1 would now start one learner earlier and repeat batch 0's last learner.
    await client.query("insert into users (id, organization_id, email, name, role) values ($1, $2, 'new@bbbb.test', 'N', 'learner')", [
      "00000000-0000-4000-8000-000000000000",
      org,
    ]);
    await client.query("delete from users where id = $1", [ids[15]]);
    expect(await fixBatches(db, run, 10)).toEqual({ learners: 20, batches: 2 });
    expect(await batchLearners(db, run.id, 0)).toEqual(ids.slice(0, 10));
    expect(await batchLearners(db, run.id, 1)).toEqual(ids.slice(10, 20));
  });

  it("gives a run with no learners no batches", async () => {
    const { run } = await organizationRun("cccc0003", 0);
    expect(await fixBatches(db, run, 10)).toEqual({ learners: 0, batches: 0 });
  });
});
