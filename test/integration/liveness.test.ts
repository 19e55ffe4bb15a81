import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex, uuidFromHex } from "../../core/codecs/digest";
import { roster } from "../../dev/demo/roster";
import { startTestApi, type TestApi } from "../harness";
import { database, deliverJob, eventually } from "../pipeline";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

/**
 * Liveness of the nightly run and of retention: a nightly run ends (`partial`) when one of its
 * organisation runs fails or is lost, and the clean-up runs on its own trigger whatever the nightly
 * run does. Each test starts its own nightly run (a day of its own, delivered as QStash would) and
 * creates, then deletes, the organisations and rows it needs; time passing is simulated by moving
 * rows' times back in Postgres, the clock the sweep reads.
 */
let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;

/** The refresh debounce: long enough for a nightly run to adopt an admin's queued run before its plan arrives. */
const DEBOUNCE_SECONDS = 10;
const CLEANUP_CRON = "15 * * * *";

beforeAll(async () => {
  api = await startTestApi({ PIPELINE_BATCH_SIZE: "50", REFRESH_DEBOUNCE_SECONDS: String(DEBOUNCE_SECONDS), RUN_START_GRACE_SECONDS: "1" });
  db = await database(api);
});

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

const acme = roster.organizations.find((o) => o.slug === "acme")!.id;
const acmeLearners = roster.users.filter((u) => u.organizationId === acme && u.role === "learner");

/** Starts the nightly run of `day` as the cron's QStash message would, and waits until it has settled. */
async function nightlyOf(day: string) {
  const id = uuidFromHex(await sha256Hex(`nightly:${day}`));
  expect((await deliverJob(api, "nightly", { scheduledTime: `${day}T02:00:00.000Z`, round: 0 })).status).toBe(200);
  return settled(id);
}

/** Waits until a nightly run has settled; returns its row. */
const settled = (id: string) =>
  eventually(
    async () => {
      const row = (await db.client.query("select id, status, error from pipeline_runs where id = $1", [id])).rows[0];
      return row && row.status !== "queued" && row.status !== "running" ? row : undefined;
    },
    120_000,
    `nightly run ${id} to settle`,
  );

/** The organisation runs of a nightly run, by organisation slug. */
const childrenOf = async (parentRunId: string) =>
  (
    await db.client.query(
      `select o.slug, r.id, r.status, r.error from pipeline_runs r join organizations o on o.id = r.organization_id
       where r.parent_run_id = $1 order by o.slug`,
      [parentRunId],
    )
  ).rows;

/** Fires the clean-up's cron trigger, as Cloudflare would. */
const cleanupCron = async () => expect((await api.worker.fetch(`/__scheduled?cron=${encodeURIComponent(CLEANUP_CRON)}`)).status).toBe(200);

const newOrganization = async (slug: string) =>
  (await db.client.query("insert into organizations (slug, name) values ($1, $1) returning id", [slug])).rows[0].id as string;

/**
 * A finished run of an Acme learner with one learner_analytics row expiring at `expiresAt` (SQL),
 * computed long ago so that it is never anyone's latest analytics. Returns the run and the row.
 */
async function plantedAnalytics(learner: string, expiresAt: string) {
  const run = (
    await db.client.query(
      "insert into pipeline_runs (organization_id, scope, scope_id, status, finished_at) values ($1, 'user', $2, 'completed', now()) returning id",
      [acme, learner],
    )
  ).rows[0].id as string;
  const row = (
    await db.client.query(
      `insert into learner_analytics (run_id, organization_id, user_id, metrics, metrics_hash, computed_at, expires_at)
       values ($1, $2, $3, '{}', 'planted', now() - interval '30 days', ${expiresAt}) returning id`,
      [run, acme, learner],
    )
  ).rows[0].id as string;
  return { run, row };
}

describe("a nightly run with a failing organisation", () => {
  it("settles partial, naming it, while the others complete; the clean-up still removes expired rows", async () => {
    const broken = await newOrganization("liveness-broken");
    // Every plan step of the broken organisation's runs fails (its step record cannot be written):
    // QStash retries, gives up, and calls the failure callback.
    await db.client.query(`create function liveness_break_plan() returns trigger language plpgsql as $$ begin
        if exists (select 1 from pipeline_runs where id = new.run_id and organization_id = '${broken}') then
          raise exception 'this organisation is broken on purpose';
        end if;
        return new;
      end $$`);
    await db.client.query(
      "create trigger liveness_break_plan before insert on pipeline_steps for each row when (new.step = 'plan') execute function liveness_break_plan()",
    );
    const expired = await plantedAnalytics(acmeLearners[0]!.id, "now() - interval '1 day'");
    try {
      const nightly = await nightlyOf("2030-01-01");
      expect(nightly).toMatchObject({ status: "partial", error: "1 of 3 organisation runs failed: liveness-broken" });
      expect((await childrenOf(nightly.id)).map(({ slug, status }) => ({ slug, status }))).toEqual([
        { slug: "acme", status: "completed" },
        { slug: "globex", status: "completed" },
        { slug: "liveness-broken", status: "failed" },
      ]);
      expect((await childrenOf(nightly.id))[2].error).toMatch(/^plan \(batch 0\) failed after \d+ attempts/);

      await cleanupCron();
      await eventually(
        async () => ((await db.count("learner_analytics", "id = $1", [expired.row])) === 0 ? true : undefined),
        30_000,
        "the clean-up",
      );
    } finally {
      await db.client.query("drop trigger liveness_break_plan on pipeline_steps");
      await db.client.query("drop function liveness_break_plan");
      await db.client.query("delete from organizations where id = $1", [broken]);
      await db.client.query("delete from pipeline_runs where id = $1", [expired.run]);
    }
  });
});

describe("a nightly run with a lost organisation run", () => {
  it("is settled partial by the clean-up's sweep, which expires the run whose plan never arrived", async () => {
    const lostOrg = await newOrganization("liveness-lost");
    const doneOrg = await newOrganization("liveness-done");
    // A nightly run that has queued its two organisation runs: one completed, the other's plan
    // message was never delivered, and that was an hour ago (far beyond debounce and grace).
    const parent = (
      await db.client.query(
        "insert into pipeline_runs (scope, status, started_at, batch_count) values ('nightly', 'running', now() - interval '1 hour', 2) returning id",
      )
    ).rows[0].id as string;
    const lost = (
      await db.client.query(
        `insert into pipeline_runs (organization_id, scope, scope_id, parent_run_id, fit_models, status, created_at)
         values ($1, 'organization', $1, $2, true, 'queued', now() - interval '1 hour') returning id`,
        [lostOrg, parent],
      )
    ).rows[0].id as string;
    await db.client.query(
      `insert into pipeline_runs (organization_id, scope, scope_id, parent_run_id, fit_models, status, started_at, finished_at)
       values ($1, 'organization', $1, $2, true, 'completed', now() - interval '50 minutes', now() - interval '40 minutes')`,
      [doneOrg, parent],
    );
    try {
      await cleanupCron();
      expect(await settled(parent)).toMatchObject({ status: "partial", error: "1 of 2 organisation runs failed: liveness-lost" });
      expect((await db.client.query("select status, error from pipeline_runs where id = $1", [lost])).rows[0]).toEqual({
        status: "failed",
        error: expect.stringMatching(/^never started: its start message was lost/),
      });
    } finally {
      await db.client.query("delete from organizations where id = any($1::uuid[])", [[lostOrg, doneOrg]]);
      await db.client.query("delete from pipeline_runs where id = $1", [parent]);
    }
  });
});

describe("the clean-up on its own schedule", () => {
  it("removes expired personal analytics without any nightly run, and keeps the rest", async () => {
    const nightlies = await db.count("pipeline_runs", "scope = 'nightly'");
    const expired = await plantedAnalytics(acmeLearners[1]!.id, "now() - interval '1 minute'");
    const current = await plantedAnalytics(acmeLearners[2]!.id, "now() + interval '6 days'");
    try {
      await cleanupCron();
      await eventually(
        async () => ((await db.count("learner_analytics", "id = $1", [expired.row])) === 0 ? true : undefined),
        30_000,
        "the clean-up",
      );
      expect(await db.count("learner_analytics", "id = $1", [current.row])).toBe(1);
      expect(await db.count("pipeline_runs", "scope = 'nightly'")).toBe(nightlies);
    } finally {
      await db.client.query("delete from pipeline_runs where id = any($1::uuid[])", [[expired.run, current.run]]);
    }
  });
});

describe("an organisation run an admin queued before the nightly run", () => {
  it("is adopted by the nightly run: it refits the models, analyses the organisation, and starts once, after its debounce", async () => {
    const admin = "admin@acme.test";
    const token = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(admin));
    const response = await api.worker.fetch("/api/v1/analytics/refresh", { method: "POST", headers: bearer(token) });
    expect(response.status).toBe(202);
    const queued = await readJson(response);
    expect(queued).toMatchObject({ joined: false });
    expect(demoUser(admin).organizationId).toBe(acme);

    const nightly = await nightlyOf("2030-01-02");
    expect(nightly).toMatchObject({ status: "completed", error: null });
    const children = await childrenOf(nightly.id);
    expect(children.map(({ slug, id, status }) => ({ slug, id, status }))).toEqual([
      { slug: "acme", id: queued.runId, status: "completed" },
      { slug: "globex", id: expect.any(String), status: "completed" },
    ]);
    const run = (
      await db.client.query(
        "select parent_run_id, fit_models, extract(epoch from created_at) as created from pipeline_runs where id = $1",
        [queued.runId],
      )
    ).rows[0];
    expect(run).toMatchObject({ parent_run_id: nightly.id, fit_models: true });
    expect(await db.count("pipeline_steps", "run_id = $1 and step = 'fit' and status = 'completed'", [queued.runId])).toBe(1);
    expect(await db.count("learner_analytics", "run_id = $1", [queued.runId])).toBe(acmeLearners.length);
    // Its plan came from the request's delayed message: the nightly run's own plan message for it
    // carried the same deduplication id and was dropped (it would have started the run at once).
    const plan = (
      await db.client.query(
        "select attempts, extract(epoch from started_at) as started from pipeline_steps where run_id = $1 and step = 'plan'",
        [queued.runId],
      )
    ).rows[0];
    expect(plan.attempts).toBe(1);
    expect(Number(plan.started) - Number(run.created)).toBeGreaterThanOrEqual(DEBOUNCE_SECONDS);
  });
});
