import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SERVICES } from "../../jobs/collect/contracts";
import { startTestApi, type TestApi } from "../harness";
import { database, deliverJob, eventually, fault, finishedRun } from "../pipeline";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson, startWorker } from "../worker";

let api: TestApi;
/** A learner no other test of this file refreshes, so it has no analytics until the test that needs none runs it. */
const FRESH_LEARNER = "learner007@acme.test";
let db: Awaited<ReturnType<typeof database>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  // Retries back off from 1 s here, so a test can repair a fault between two attempts.
  api = await startTestApi(
    {
      REFRESH_DEBOUNCE_SECONDS: "0",
      PIPELINE_BATCH_SIZE: "25",
      UPSTREAM_TIMEOUT_MS: "1500",
      RATE_LIMIT_LEARNER: "100000",
      RATE_LIMIT_ORG_ADMIN: "100000",
      RATE_LIMIT_TRAINER: "100000",
    },
    { qstashRetryBaseDelayMs: 1_000 },
  );
  db = await database(api);
  for (const email of [
    "learner@acme.test",
    "learner2@acme.test",
    "trainer@acme.test",
    "admin@acme.test",
    "learner@globex.test",
    "admin@globex.test",
  ]) {
    tokens[email] = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(email));
  }
  tokens[FRESH_LEARNER] = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(FRESH_LEARNER));
});

afterEach(async () => {
  await fault(api, null);
});

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

const refresh = async (email: string, body?: unknown) => {
  const response = await api.worker.fetch("/api/v1/analytics/refresh", {
    method: "POST",
    headers: { ...bearer(tokens[email]!), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(response.status).toBe(202);
  return readJson(response);
};

const latestMetrics = async (userId: string) =>
  (await db.client.query("select metrics, run_id from learner_analytics where user_id = $1 order by computed_at desc limit 1", [userId]))
    .rows[0];

describe("a refresh run", () => {
  it("collects, analyses and aggregates, and the learner's analytics appear", async () => {
    const learner = demoUser(FRESH_LEARNER);
    expect(await latestMetrics(learner.id)).toBeUndefined();
    const { runId, joined } = await refresh(FRESH_LEARNER);
    expect(joined).toBe(false);
    const run = await finishedRun(api, tokens[FRESH_LEARNER]!, runId);
    expect(run).toMatchObject({ status: "completed", scope: "user", scopeId: learner.id, missingSources: [] });
    expect(run.stages.collect).toMatchObject({ status: "completed", batches: { completed: 1, total: 1 } });
    expect(run.stages.aggregate.status).toBe("completed");
    for (const service of SERVICES) expect(run.sources[service]).toMatchObject({ ok: 1, failed: 0 });

    const row = await latestMetrics(learner.id);
    expect(row.run_id).toBe(runId);
    expect(Object.keys(row.metrics)).toEqual(
      expect.arrayContaining(["velocity", "mastery", "skillGaps", "engagement", "courses", "atRisk"]),
    );
    expect(row.metrics.engagement.score).toBeGreaterThanOrEqual(0);
    expect(row.metrics.engagement.score).toBeLessThanOrEqual(100);
  });

  it("joins a run already queued for the same scope", async () => {
    // A second Worker on the same stack with a debounce window: its plan step waits 3 s.
    const debouncing = await startWorker({ ...api.stack.vars, ENVIRONMENT: "test", REFRESH_DEBOUNCE_SECONDS: "3" });
    try {
      const post = () => debouncing.fetch("/api/v1/analytics/refresh", { method: "POST", headers: bearer(tokens["learner2@acme.test"]!) });
      const first = await readJson(await post());
      const second = await readJson(await post());
      expect(second).toMatchObject({ runId: first.runId, status: "queued", joined: true });
      expect((await finishedRun(api, tokens["learner2@acme.test"]!, first.runId)).status).toBe("completed");
    } finally {
      await debouncing.stop();
    }
  });

  it("lets nobody see a run outside their scope", async () => {
    const { runId } = await refresh("learner@acme.test");
    for (const email of ["learner2@acme.test", "admin@globex.test"]) {
      const response = await api.worker.fetch(`/api/v1/analytics/runs/${runId}`, { headers: bearer(tokens[email]!) });
      expect(response.status).toBe(404);
    }
    expect((await api.worker.fetch(`/api/v1/analytics/runs/${runId}`, { headers: bearer(tokens["trainer@acme.test"]!) })).status).toBe(200);
    await finishedRun(api, tokens["learner@acme.test"]!, runId);
  });

  it("refuses to refresh a learner outside the caller's scope", async () => {
    const response = await api.worker.fetch("/api/v1/analytics/refresh", {
      method: "POST",
      headers: { ...bearer(tokens["trainer@acme.test"]!), "Content-Type": "application/json" },
      body: JSON.stringify({ userId: demoUser("learner2@acme.test").id }),
    });
    expect(response.status).toBe(404);
  });
});

describe("idempotent steps", () => {
  it("leaves the same rows when the same job message is delivered twice", async () => {
    const learner = demoUser("learner@acme.test");
    const { runId } = await refresh("learner@acme.test");
    await finishedRun(api, tokens["learner@acme.test"]!, runId);
    const counts = async () => ({
      snapshots: await db.count("source_snapshots", "run_id = $1", [runId]),
      analytics: await db.count("learner_analytics", "run_id = $1", [runId]),
      aggregates: await db.count("aggregate_metrics", "run_id = $1", [runId]),
      steps: (
        await db.client.query("select step, batch, status, attempts from pipeline_steps where run_id = $1 order by step, batch", [runId])
      ).rows,
    });
    const before = await counts();
    // The nine payloads were analysed, then deleted with the run: its analytics are what is kept.
    expect(before.snapshots).toBe(0);
    const aggregated = await db.client.query("select detail from pipeline_steps where run_id = $1 and step = 'aggregate'", [runId]);
    expect(aggregated.rows[0].detail.snapshotsDeleted).toBe(SERVICES.length);
    expect(before.analytics).toBe(1);

    for (const step of ["collect", "analyze", "aggregate", "collect"]) {
      const response = await deliverJob(api, step, { runId, batch: 0 });
      expect(response.status).toBe(200);
    }
    expect(await counts()).toEqual(before);
    expect((await latestMetrics(learner.id)).run_id).toBe(runId);
  });
});

describe("failures", () => {
  it("retries a step that throws, and the run completes", async () => {
    for (const service of SERVICES) await fault(api, service, "error");
    const { runId } = await refresh("learner2@acme.test");
    // The collect step fails while every source is down; repair them before QStash's retry.
    await eventually(
      async () => {
        const row = (await db.client.query("select status from pipeline_steps where run_id = $1 and step = 'collect'", [runId])).rows[0];
        return row?.status === "failed" ? true : undefined;
      },
      20_000,
      "the first collect attempt to fail",
    );
    await fault(api, null);
    const run = await finishedRun(api, tokens["learner2@acme.test"]!, runId);
    expect(run.status).toBe("completed");
    expect(run.stages.collect.attempts).toBeGreaterThanOrEqual(2);
  });

  it("completes with partial coverage when one source is down, and says which", async () => {
    await fault(api, "devLab", "error");
    const { runId } = await refresh("learner@acme.test");
    const run = await finishedRun(api, tokens["learner@acme.test"]!, runId);
    expect(run.status).toBe("completed");
    expect(run.missingSources).toEqual(["devLab"]);
    expect(run.sources.devLab).toMatchObject({ ok: 0, failed: 1, lastError: "HTTP 503" });
  });

  it("ends failed with a reason when every source is down, and the earlier analytics stay", async () => {
    const learner = demoUser("learner@acme.test");
    // The earlier analytics that must survive: a completed run of this test's own, before the sources go down.
    const { runId: earlierRunId } = await refresh("learner@acme.test");
    await finishedRun(api, tokens["learner@acme.test"]!, earlierRunId);
    const earlier = await latestMetrics(learner.id);
    expect(earlier).toBeDefined();
    for (const service of SERVICES) await fault(api, service, "error");
    const { runId } = await refresh("learner@acme.test");
    const run = await finishedRun(api, tokens["learner@acme.test"]!, runId, 60_000);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/collect .*failed after 4 attempts.*no upstream source answered/);
    expect(run.stages.collect.status).toBe("failed");
    expect((await latestMetrics(learner.id)).run_id).toBe(earlier.run_id);
  });
});

describe("job endpoints", () => {
  it("refuse unsigned, tampered and wrongly signed requests, and change nothing", async () => {
    const before = await db.count("pipeline_steps");
    const url = `${api.stack.vars.JOBS_BASE_URL}/jobs/plan`;
    const body = JSON.stringify({ runId: crypto.randomUUID(), batch: 0 });
    expect((await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body })).status).toBe(401);

    const signed = await deliverJob(api, "plan", { runId: crypto.randomUUID(), batch: 0 }, "sig_not-the-key");
    expect(signed.status).toBe(401);

    const { signDelivery } = await import("../../dev/qstash/signing");
    const signature = await signDelivery(api.stack.vars.QSTASH_CURRENT_SIGNING_KEY, url, new TextEncoder().encode(body));
    const tampered = body.replace(/"batch":0/, '"batch":1');
    expect(
      (
        await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Upstash-Signature": signature },
          body: tampered,
        })
      ).status,
    ).toBe(401);
    const elsewhere = `${api.stack.vars.JOBS_BASE_URL}/jobs/collect`;
    expect(
      (await fetch(elsewhere, { method: "POST", headers: { "Content-Type": "application/json", "Upstash-Signature": signature }, body }))
        .status,
    ).toBe(401);
    expect(await db.count("pipeline_steps")).toBe(before);
  });

  it("accepts the next signing key too (rotation)", async () => {
    const response = await deliverJob(api, "plan", { runId: crypto.randomUUID(), batch: 0 }, api.stack.vars.QSTASH_NEXT_SIGNING_KEY);
    expect(response.status).toBe(200);
  });
});
