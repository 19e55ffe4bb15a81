import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";
import { database, deliverJob } from "../pipeline";
import { demoUser } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;

beforeAll(async () => {
  api = await startTestApi();
  db = await database(api);
});

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

const base64 = (text: string) => Buffer.from(text).toString("base64");
const stepUrl = () => `${api.stack.vars.JOBS_BASE_URL}/jobs/plan`;

describe("QStash's failure callback (/jobs/failed), correctly signed", () => {
  it.each([
    ["no fields", () => ({}), "body.sourceBody"],
    ["a sourceBody that is not base64", () => ({ sourceBody: "%%% not base64 %%%", url: stepUrl(), status: 500 }), "body.sourceBody"],
    ["a sourceBody that is not JSON", () => ({ sourceBody: base64("{not json"), url: stepUrl(), status: 500 }), "body.sourceBody"],
    [
      "a url that is not one",
      () => ({ sourceBody: base64(JSON.stringify({ runId: crypto.randomUUID(), batch: 0 })), url: "not a url", status: 500 }),
      "body.url",
    ],
  ])("answers a malformed callback (%s) with a 400 problem, not a 500", async (_, body, pointer) => {
    const response = await deliverJob(api, "failed", body());
    expect(response.status).toBe(400);
    const problem = await readJson(response);
    expect(problem).toMatchObject({ type: "/problems/validation", status: 400 });
    expect(problem.errors.map((error: { pointer: string }) => error.pointer)).toContain(pointer);
  });

  it("still marks the run of a well-formed callback failed", async () => {
    const learner = demoUser("learner@acme.test");
    const { rows } = await db.client.query(
      `insert into pipeline_runs (organization_id, scope, scope_id, status) values ($1, 'user', $2, 'running') returning id`,
      [learner.organizationId, learner.id],
    );
    const response = await deliverJob(api, "failed", {
      sourceBody: base64(JSON.stringify({ runId: rows[0].id, batch: 0 })),
      url: stepUrl(),
      status: 503,
      retried: 3,
    });
    expect(response.status).toBe(200);
    const run = (await db.client.query("select status, error from pipeline_runs where id = $1", [rows[0].id])).rows[0];
    expect(run).toEqual({ status: "failed", error: "plan (batch 0) failed after 4 attempts: HTTP 503" });
  });
});
