import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roster } from "../../dev/demo/roster";
import { signDelivery } from "../../dev/qstash/signing";
import { startTestApi, type TestApi } from "../harness";
import { database, deliverJob, finishedRun } from "../pipeline";
import { bearer, claimsFor, signWithWorkerKey } from "../tokens";
import { type RunningWorker, readJson, startWorker } from "../worker";

/**
 * The platform's limits on outbound requests, enforced in the real runtime: one collect step of
 * 10 learners (9 services each: 90 upstream calls, plus its database and Redis requests) goes past
 * a subrequest limit of 20 and fails, and the same step of the same run completes within the
 * default limits (1,000 subrequests, 6 connections), which the job's answer reports.
 *
 * Two Workers share one stack: `api` with the default limits, to which QStash delivers, and
 * `tight`, with LOCAL_SUBREQUEST_LIMIT=20 and a QStash URL that leads nowhere, so the steps it
 * runs publish nothing and the test alone decides which Worker runs which step.
 */
let api: TestApi;
let tight: RunningWorker;
let db: Awaited<ReturnType<typeof database>>;
let adminToken: string;
const ADMIN = "admin@acme.test";
const course = roster.courses.find((candidate) => candidate.code === "TS-101");

beforeAll(async () => {
  const vars = { PIPELINE_BATCH_SIZE: "10", RATE_LIMIT_ORG_ADMIN: "100000", REFRESH_RATE_LIMIT: "100000" };
  // The plan message waits an hour in QStash: the test delivers the plan step itself.
  api = await startTestApi({ ...vars, REFRESH_DEBOUNCE_SECONDS: "3600" });
  tight = await startWorker({
    ...api.stack.vars,
    ENVIRONMENT: "test",
    CIRCUIT_FAILURE_THRESHOLD: "100",
    ...vars,
    LOCAL_SUBREQUEST_LIMIT: "20",
    // The discard port: nothing listens, so a publish fails at once.
    QSTASH_URL: "http://127.0.0.1:9",
  });
  db = await database(api);
  adminToken = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(ADMIN));
});

afterAll(async () => {
  await db?.client.end();
  await tight?.stop();
  await api?.stop();
});

/** A job request signed as QStash signs it for the jobs' base URL, sent to `worker`. */
async function deliverTo(worker: RunningWorker, step: string, body: unknown): Promise<Response> {
  const raw = JSON.stringify(body);
  const signature = await signDelivery(
    api.stack.vars.QSTASH_CURRENT_SIGNING_KEY,
    `${api.stack.vars.JOBS_BASE_URL}/jobs/${step}`,
    new TextEncoder().encode(raw),
  );
  return worker.fetch(`/jobs/${step}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Upstash-Signature": signature },
    body: raw,
  });
}

const usage = (response: Response) => ({
  subrequests: Number(response.headers.get("X-Local-Subrequests")),
  refused: Number(response.headers.get("X-Local-Subrequests-Refused")),
  maxConnections: Number(response.headers.get("X-Local-Max-Connections")),
});

describe("the platform's outbound limits, locally", () => {
  it("fail a collect step past the subrequest limit; within the default limits the same step completes", async () => {
    if (!course) throw new Error("the demo roster has no course TS-101");
    const refresh = await api.worker.fetch("/api/v1/analytics/refresh", {
      method: "POST",
      headers: { ...bearer(adminToken), "Content-Type": "application/json" },
      body: JSON.stringify({ courseId: course.id }),
    });
    expect(refresh.status).toBe(202);
    const { runId } = await readJson(refresh);

    // The plan step fixes the batches, then cannot fan out (the tight Worker cannot publish).
    expect((await deliverTo(tight, "plan", { runId, batch: 0 })).status).toBe(500);
    const batches = (
      await db.client.query("select batch, count(*)::int as learners from run_learners where run_id = $1 group by batch order by batch", [
        runId,
      ])
    ).rows as { batch: number; learners: number }[];
    const enrolled = roster.enrolments.filter((enrolment) => enrolment.courseId === course.id).length;
    expect(batches.reduce((sum, { learners }) => sum + learners, 0)).toBe(enrolled);
    expect(batches[0]).toEqual({ batch: 0, learners: 10 });

    // Past 20 subrequests every request throws, as on the platform: the upstream calls past it
    // and then the step's own writes, so the step cannot even record why it failed (the write
    // that would is a subrequest too). The job answers 500, a defect (not 503: no dependency is
    // down, though the Neon driver wraps the refused write as a connection failure), and QStash
    // would retry it.
    const refused = await deliverTo(tight, "collect", { runId, batch: 0 });
    expect(refused.status).toBe(500);
    expect(usage(refused)).toMatchObject({ subrequests: 20 });
    expect(usage(refused).refused).toBeGreaterThan(0);
    expect(usage(refused).maxConnections).toBeLessThanOrEqual(6);
    const step = await db.client.query("select status, attempts, error from pipeline_steps where run_id = $1 and step = 'collect'", [
      runId,
    ]);
    expect(step.rows).toEqual([{ status: "running", attempts: 1, error: null }]);
    expect(await db.count("source_snapshots", "run_id = $1", [runId])).toBe(0);

    // The same run, every batch, within the default limits: each collect step completes and
    // publishes its analyze step, and QStash takes the run to its end. Each step makes 9 upstream
    // calls per learner and the same few database, Redis and QStash requests whatever its size.
    const overheads = new Set<number>();
    for (const { batch, learners } of batches) {
      const collected = await deliverJob(api, "collect", { runId, batch });
      expect(collected.status).toBe(200);
      expect(usage(collected).subrequests).toBeGreaterThan(learners * 9);
      overheads.add(usage(collected).subrequests - learners * 9);
      expect(usage(collected).refused).toBe(0);
      expect(usage(collected).maxConnections).toBeGreaterThanOrEqual(1);
      expect(usage(collected).maxConnections).toBeLessThanOrEqual(6);
    }
    expect(overheads.size).toBe(1);
    const collectSteps = await db.client.query(
      "select batch, status, attempts from pipeline_steps where run_id = $1 and step = 'collect' and batch = 0",
      [runId],
    );
    expect(collectSteps.rows).toEqual([{ batch: 0, status: "completed", attempts: 2 }]);
    expect((await finishedRun(api, adminToken, runId, 120_000)).status).toBe("completed");
  });

  it("report on every response what the request used", async () => {
    // Liveness touches nothing; readiness probes Postgres and Redis once each, at the same time.
    expect(usage(await api.worker.fetch("/api/v1/health/live"))).toEqual({ subrequests: 0, refused: 0, maxConnections: 0 });
    const ready = usage(await api.worker.fetch("/api/v1/health/ready"));
    expect(ready).toMatchObject({ subrequests: 2, refused: 0 });
    expect(ready.maxConnections).toBeLessThanOrEqual(2);
  });
});
