import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envSchema } from "../../core/env";
import type { Database } from "../../db/client";
import { settleParents } from "../../db/queries/nightly-runs";
import { expireStuckRuns } from "../../db/queries/runs";
import { startTestDatabase, type TestDatabase } from "../../test/database";
import { productionEnv } from "../../test/env-fixture";
import type { JobContext } from "../context";
import type { ScheduledMessage } from "../messages";
import { MAX_BATCH_MESSAGES, type OutgoingMessage, type Publisher } from "../publisher";
import { NIGHTLY_PAGE_SIZE, nightly } from "./nightly";

/**
 * The nightly step against a real Postgres (through the Neon HTTP stand-in) with a publisher that
 * records what it would send: 250 organisations take 3 invocations of at most 100 messages each.
 * This file's database holds only its own organisations, so every count below is exact.
 */
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

const env = envSchema.parse({ ...productionEnv, PIPELINE_PARALLELISM: "4" });

/** A context whose publisher records each batch publish (the nightly step publishes nothing else). */
function recordingContext() {
  const batches: OutgoingMessage[][] = [];
  const publisher: Publisher = {
    publish: async () => {
      throw new Error("the nightly step publishes batches only");
    },
    publishBatch: async (messages) => {
      batches.push([...messages]);
    },
  };
  const ctx = { env, db, publisher, now: new Date(), requestId: "test" } as unknown as JobContext;
  return { ctx, batches };
}

describe("the nightly step's pages", () => {
  it("queues 250 organisations in 3 invocations of at most 100 messages, adopts a queued run, settles once", async () => {
    // 250 organisations with ids in a known order (the 8th hex digit block is the index).
    const orgs: string[] = [];
    for (let i = 0; i < 250; i += 1) orgs.push(`00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    await client.query(
      "insert into organizations (id, slug, name) select id, 'org-' || lpad(n::text, 3, '0'), 'Org' from unnest($1::uuid[]) with ordinality as t(id, n)",
      [orgs],
    );
    // An admin of the 100th organisation (the first of page 2) already asked for a refresh.
    const admins = (
      await client.query("insert into pipeline_runs (organization_id, scope, scope_id) values ($1, 'organization', $1) returning id", [
        orgs[99],
      ])
    ).rows[0].id as string;

    const { ctx, batches } = recordingContext();
    const first: ScheduledMessage = { scheduledTime: "2031-03-04T02:00:00.000Z", round: 0 };
    await nightly(ctx, first);
    const parent = (await client.query("select id, status from pipeline_runs where scope = 'nightly'")).rows[0];
    // While pages remain the nightly run is queued: organisation runs finishing early cannot settle it.
    expect(parent.status).toBe("queued");
    await client.query("update pipeline_runs set status = 'completed', finished_at = now() where parent_run_id = $1", [parent.id]);
    await settleParents(db, [parent.id]);
    expect((await client.query("select status from pipeline_runs where id = $1", [parent.id])).rows[0].status).toBe("queued");

    // Each continuation is delivered as QStash would; a redelivery of the second page changes nothing.
    let continuation = batches.at(-1)?.find((message) => message.step === "nightly");
    while (continuation) {
      await nightly(ctx, continuation.body as ScheduledMessage);
      if (batches.length === 2) await nightly(ctx, continuation.body as ScheduledMessage);
      continuation = batches.at(-1)?.find((message) => message.step === "nightly" && message !== continuation);
    }

    // 99 + 99 + 52 organisations; the redelivered page publishes its same 100 messages again.
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 100, 52]);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(MAX_BATCH_MESSAGES);
    expect(batches[1]).toEqual(batches[2]);
    const pages = [batches[0], batches[1], batches[3]].map((batch) => batch ?? []);
    const continuations = pages.flatMap((batch) => batch.filter((message) => message.step === "nightly"));
    expect(continuations.map((message) => message.body)).toEqual([
      { scheduledTime: first.scheduledTime, round: 1, after: orgs[NIGHTLY_PAGE_SIZE - 1] },
      { scheduledTime: first.scheduledTime, round: 2, after: orgs[2 * NIGHTLY_PAGE_SIZE - 1] },
    ]);
    expect(continuations.map((message) => message.options.deduplicationId)).toEqual([
      `nightly.2031-03-04.after.${orgs[98]}`,
      `nightly.2031-03-04.after.${orgs[197]}`,
    ]);

    // One run per organisation, the admin's among them (adopted, not duplicated), each planned once
    // with its organisation's flow control; the first page's runs, completed above, are not planned again.
    const children = (
      await client.query("select id, scope_id, fit_models, status from pipeline_runs where parent_run_id = $1", [parent.id])
    ).rows;
    expect(children).toHaveLength(250);
    expect(new Set(children.map((run) => run.scope_id)).size).toBe(250);
    expect(children.every((run) => run.fit_models)).toBe(true);
    expect(children.find((run) => run.scope_id === orgs[99])?.id).toBe(admins);
    const plans = pages.flatMap((batch) => batch.filter((message) => message.step === "plan"));
    expect(plans).toHaveLength(250);
    const adopted = plans.find((message) => (message.body as { runId: string }).runId === admins);
    expect(adopted?.options).toEqual({
      deduplicationId: `${admins}.plan.0`,
      flowControl: { key: `pipeline.${orgs[99]}`, parallelism: 4 },
    });

    // After the last page the nightly run runs, over 250 organisations, with one step per page.
    expect((await client.query("select status, batch_count from pipeline_runs where id = $1", [parent.id])).rows[0]).toEqual({
      status: "running",
      batch_count: 250,
    });
    expect((await client.query("select batch, status from pipeline_steps where run_id = $1 order by batch", [parent.id])).rows).toEqual([
      { batch: 0, status: "completed" },
      { batch: 1, status: "completed" },
      { batch: 2, status: "completed" },
    ]);

    // Two organisations fail, the rest complete; two runs ending together both settle it: it settles once.
    await client.query("update pipeline_runs set status = 'failed', finished_at = now() where scope_id = any($1::uuid[])", [
      [orgs[7], orgs[200]],
    ]);
    await client.query(
      "update pipeline_runs set status = 'completed', finished_at = now() where parent_run_id = $1 and status = 'queued'",
      [parent.id],
    );
    await Promise.all([settleParents(db, [parent.id]), settleParents(db, [parent.id, null])]);
    const settled = (await client.query("select status, error, finished_at from pipeline_runs where id = $1", [parent.id])).rows[0];
    expect(settled).toMatchObject({ status: "partial", error: "2 of 250 organisation runs failed: org-008, org-201" });
    await settleParents(db, [parent.id]);
    expect((await client.query("select finished_at from pipeline_runs where id = $1", [parent.id])).rows[0].finished_at).toEqual(
      settled.finished_at,
    );

    // A page delivered after the nightly run settled queues and publishes nothing.
    await nightly(ctx, first);
    expect(batches).toHaveLength(4);
    await client.query("delete from organizations where id = any($1::uuid[])", [orgs]);
    await client.query("delete from pipeline_runs where id = $1", [parent.id]);
  });
});

describe("the stuck-run sweep", () => {
  it("expires a nightly run's lost organisation run and a stalled run of any scope, a bounded number per call, never a running nightly run", async () => {
    const org = (await client.query("insert into organizations (slug, name) values ('sweep', 'Sweep') returning id")).rows[0].id as string;
    const other = (await client.query("insert into organizations (slug, name) values ('sweep-ok', 'Sweep OK') returning id")).rows[0].id;
    const insert = async (values: string, params: unknown[]) =>
      (
        await client.query(
          `insert into pipeline_runs (organization_id, scope, scope_id, parent_run_id, status, created_at, started_at) values ${values} returning id`,
          params,
        )
      ).rows[0].id as string;
    // The nightly run started 3 hours ago: running, it has no steps of its own left, and is not swept.
    const parent = await insert("(null, 'nightly', null, null, 'running', now() - interval '3 hours', now() - interval '3 hours')", []);
    // Its run of `sweep` never started (its plan message was lost); that of `sweep-ok` completed.
    const lost = await insert("($1, 'organization', $1, $2, 'queued', now() - interval '3 hours', null)", [org, parent]);
    await client.query(
      "insert into pipeline_runs (organization_id, scope, scope_id, parent_run_id, status, finished_at) values ($1, 'organization', $1, $2, 'completed', now())",
      [other, parent],
    );
    // A course run whose last step ended 2 hours ago, and one whose step is 10 minutes old (may still retry).
    const stalled = await insert(
      "($1, 'course', gen_random_uuid(), null, 'running', now() - interval '3 hours', now() - interval '3 hours')",
      [org],
    );
    const recent = await insert(
      "($1, 'course', gen_random_uuid(), null, 'running', now() - interval '3 hours', now() - interval '3 hours')",
      [org],
    );
    await client.query(
      `insert into pipeline_steps (run_id, step, batch, status, started_at, finished_at) values
        ($1, 'collect', 0, 'failed', now() - interval '2 hours', now() - interval '2 hours'),
        ($2, 'collect', 0, 'failed', now() - interval '10 minutes', now() - interval '10 minutes')`,
      [stalled, recent],
    );
    const limits = { startSeconds: 150, stallSeconds: 3_600 };

    const first = await expireStuckRuns(db, limits, 1);
    const second = await expireStuckRuns(db, limits, 1);
    expect([...first, ...second].map((run) => run.id).sort()).toEqual([lost, stalled].sort());
    expect(await expireStuckRuns(db, limits, 10)).toEqual([]);
    expect([...first, ...second].find((run) => run.id === lost)).toEqual({
      id: lost,
      parentRunId: parent,
      error: "never started: its start message was lost (not started 150 s after it was queued)",
    });
    const status = async (id: string) => (await client.query("select status, error from pipeline_runs where id = $1", [id])).rows[0];
    expect((await status(recent)).status).toBe("running");
    expect((await status(parent)).status).toBe("running");

    await settleParents(
      db,
      [...first, ...second].map((run) => run.parentRunId),
    );
    expect(await status(parent)).toEqual({ status: "partial", error: "1 of 2 organisation runs failed: sweep" });
    await client.query("delete from organizations where id = any($1::uuid[])", [[org, other]]);
    await client.query("delete from pipeline_runs where id = $1", [parent]);
  });
});
