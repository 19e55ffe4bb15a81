import { Client } from "@upstash/qstash";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SERVICES } from "../../jobs/collect/contracts";
import { startTestApi, type TestApi } from "../harness";
import { database, deliverJob, eventually, fault, finishedRun } from "../pipeline";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

/**
 * Runs whose messages are really lost: the QStash stand-in's pending deliveries are cancelled
 * (what a QStash restart inside the debounce, or an isolate dying between the insert and the
 * publish, amounts to). Time passing is simulated by moving the run's (and its steps') times back
 * in Postgres, which is the clock the expiry reads: no sleeping for minutes, nothing that depends
 * on the time of day.
 */
let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;
let qstash: Client;
const tokens: Record<string, string> = {};
/** Learners no other test of this file refreshes: each test has its scope to itself. */
const LOST_START = "learner011@acme.test";
const CONCURRENT = "learner012@acme.test";
const STALLED = "learner013@acme.test";

beforeAll(async () => {
  // The debounce leaves time to cancel a run's plan message before it is delivered; a retry
  // waits a minute, so a failed step's next attempt can be cancelled while it waits.
  api = await startTestApi(
    {
      REFRESH_DEBOUNCE_SECONDS: "3",
      RUN_START_GRACE_SECONDS: "1",
      UPSTREAM_TIMEOUT_MS: "1500",
      RATE_LIMIT_LEARNER: "100000",
      REFRESH_RATE_LIMIT: "100000",
    },
    { qstashRetryBaseDelayMs: 60_000 },
  );
  db = await database(api);
  qstash = new Client({ token: api.stack.vars.QSTASH_TOKEN, baseUrl: api.stack.vars.QSTASH_URL });
  for (const email of [LOST_START, CONCURRENT, STALLED])
    tokens[email] = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(email));
});

afterEach(async () => {
  await fault(api, null);
});

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

const refresh = async (email: string) => {
  const response = await api.worker.fetch("/api/v1/analytics/refresh", { method: "POST", headers: bearer(tokens[email]!) });
  expect(response.status).toBe(202);
  return readJson(response);
};

const runRow = async (runId: string) =>
  (await db.client.query("select status, error from pipeline_runs where id = $1", [runId])).rows[0] as {
    status: string;
    error: string | null;
  };

/**
 * Drops every message QStash holds for later delivery, as a restart of a queue without persistence would;
 * returns how many (the run's pending one, and any delivery still settling, which a cancel does not harm).
 */
const loseQueuedMessages = async () => (await qstash.messages.cancel({ all: true })).cancelled;

/** Moves a run and its steps `minutes` into the past, as if that much time had passed without news of it. */
const age = async (runId: string, minutes: number) => {
  const by = `${minutes} minutes`;
  await db.client.query(
    "update pipeline_runs set created_at = created_at - $2::interval, started_at = started_at - $2::interval where id = $1",
    [runId, by],
  );
  await db.client.query(
    "update pipeline_steps set started_at = started_at - $2::interval, finished_at = finished_at - $2::interval where run_id = $1",
    [runId, by],
  );
};

describe("a queued run whose start message was lost", () => {
  it("is joined while it may still start, then expired: the next request starts a new run that completes", async () => {
    const lost = await refresh(LOST_START);
    expect(lost.joined).toBe(false);
    expect(await loseQueuedMessages()).toBeGreaterThanOrEqual(1);

    // Within the debounce and its grace the run may still start: a request joins it.
    expect(await refresh(LOST_START)).toMatchObject({ runId: lost.runId, joined: true });

    await age(lost.runId, 60);
    const next = await refresh(LOST_START);
    expect(next.runId).not.toBe(lost.runId);
    expect(next.joined).toBe(false);
    expect(await runRow(lost.runId)).toEqual({
      status: "failed",
      error: expect.stringMatching(/^never started: its start message was lost/),
    });
    expect((await finishedRun(api, tokens[LOST_START]!, next.runId)).status).toBe("completed");

    // The lost message turning up after all does nothing: no step of the expired run begins.
    expect((await deliverJob(api, "plan", { runId: lost.runId, batch: 0 })).status).toBe(200);
    expect(await db.count("pipeline_steps", "run_id = $1", [lost.runId])).toBe(0);
    expect((await runRow(lost.runId)).status).toBe("failed");
  });

  it("is replaced by exactly one new run when several requests find it at once", async () => {
    const scopeId = demoUser(CONCURRENT).id;
    const stuck = await refresh(CONCURRENT);
    expect(await loseQueuedMessages()).toBeGreaterThanOrEqual(1);
    await age(stuck.runId, 60);

    const answers = await Promise.all(Array.from({ length: 6 }, () => refresh(CONCURRENT)));
    const runIds = new Set(answers.map((answer) => answer.runId));
    expect(runIds.size).toBe(1);
    const [runId] = runIds;
    expect(runId).not.toBe(stuck.runId);
    expect(answers.filter((answer) => !answer.joined)).toHaveLength(1);
    expect(await db.count("pipeline_runs", "scope = 'user' and scope_id = $1 and status = 'queued'", [scopeId])).toBe(1);
    expect((await runRow(stuck.runId)).status).toBe("failed");
    expect((await finishedRun(api, tokens[CONCURRENT]!, runId!)).status).toBe("completed");
  });
});

describe("a running run whose steps stopped arriving", () => {
  it("is left alone while a retry may still come, then expired by the next request; a late step does nothing", async () => {
    // Every source fails, so the collect step fails and its retry waits (a minute here); that
    // pending retry is then lost.
    for (const service of SERVICES) await fault(api, service, "error");
    const stalled = await refresh(STALLED);
    await eventually(
      async () =>
        (await db.count("pipeline_steps", "run_id = $1 and step = 'collect' and status = 'failed'", [stalled.runId])) === 1 || undefined,
      30_000,
      "the collect step to fail",
    );
    expect(await loseQueuedMessages()).toBeGreaterThanOrEqual(1);
    await fault(api, null);
    expect((await runRow(stalled.runId)).status).toBe("running");

    // 40 minutes without news is longer than QStash's longest back-off for our 3 retries (about
    // 33 min in all), but within RUN_STALL_SECONDS (an hour): the run might still be retrying.
    await age(stalled.runId, 40);
    const queued = await refresh(STALLED);
    expect(queued.runId).not.toBe(stalled.runId);
    expect((await runRow(stalled.runId)).status).toBe("running");

    await age(stalled.runId, 30);
    const next = await refresh(STALLED);
    expect(await runRow(stalled.runId)).toEqual({
      status: "failed",
      error: expect.stringMatching(/^stalled: no step started or finished/),
    });
    for (const runId of new Set([queued.runId, next.runId])) {
      expect((await finishedRun(api, tokens[STALLED]!, runId)).status).toBe("completed");
    }

    // The lost retry turning up after all does nothing: no new attempt, no successor, no data.
    expect((await deliverJob(api, "collect", { runId: stalled.runId, batch: 0 })).status).toBe(200);
    const steps = await db.client.query("select step, status, attempts from pipeline_steps where run_id = $1 order by step", [
      stalled.runId,
    ]);
    expect(steps.rows).toEqual([
      { step: "collect", status: "failed", attempts: 1 },
      { step: "plan", status: "completed", attempts: 1 },
    ]);
    expect(await db.count("source_snapshots", "run_id = $1", [stalled.runId])).toBe(0);
    expect((await runRow(stalled.runId)).status).toBe("failed");
  });
});
