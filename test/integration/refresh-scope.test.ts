import type { JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roster } from "../../dev/demo/roster";
import { startTestApi, type TestApi } from "../harness";
import { database } from "../pipeline";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

/**
 * What `POST /analytics/refresh` queues for each caller. The debounce is an hour, so the runs stay
 * queued for the whole file: these tests are about which runs a refresh asks for, not about running them.
 */
let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;
const tokens: Record<string, string> = {};

const course = (code: string) => {
  const found = roster.courses.find((c) => c.code === code);
  if (!found) throw new Error(`no demo course ${code}`);
  return found.id;
};
const sign = (claims: JWTPayload) => signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claims);

beforeAll(async () => {
  api = await startTestApi({
    REFRESH_DEBOUNCE_SECONDS: "3600",
    RATE_LIMIT_LEARNER: "100000",
    RATE_LIMIT_TRAINER: "100000",
    RATE_LIMIT_ORG_ADMIN: "100000",
    REFRESH_RATE_LIMIT: "100000",
  });
  db = await database(api);
  for (const email of ["learner@acme.test", "trainer@acme.test", "trainer2@acme.test", "admin@acme.test"])
    tokens[email] = await sign(claimsFor(email));
});

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

const refresh = (token: string, body?: unknown) =>
  api.worker.fetch("/api/v1/analytics/refresh", {
    method: "POST",
    headers: { ...bearer(token), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

/** A 202's body, checked for the shape every refresh answers with: `runId`/`joined` repeat the first of `runs`, which `Location` names. */
const accepted = async (response: Response) => {
  expect(response.status).toBe(202);
  const body = await readJson(response);
  expect(body.status).toBe("queued");
  expect(body.runs.length).toBeGreaterThan(0);
  expect(body).toMatchObject({ runId: body.runs[0].runId, joined: body.runs[0].joined });
  expect(response.headers.get("Location")).toBe(`/api/v1/analytics/runs/${body.runs[0].runId}`);
  return body;
};

const queuedRuns = async (scope: string, scopeId: string) =>
  db.count("pipeline_runs", "scope = $1 and scope_id = $2 and status = 'queued'", [scope, scopeId]);

describe("a refresh without a body", () => {
  it("queues one run per course a trainer teaches, and none for the trainer", async () => {
    const trainer = demoUser("trainer@acme.test");
    const taught = [course("DATA-201"), course("TS-101")];
    const body = await accepted(await refresh(tokens["trainer@acme.test"]!));
    expect(body.runs).toHaveLength(2);
    expect(new Set(body.runs.map((run: { scopeId: string }) => run.scopeId))).toEqual(new Set(taught));
    for (const run of body.runs)
      expect(run).toEqual({ runId: expect.any(String), scope: "course", scopeId: run.scopeId, joined: expect.any(Boolean) });
    for (const courseId of taught) expect(await queuedRuns("course", courseId)).toBe(1);
    expect(await db.count("pipeline_runs", "scope = 'user' and scope_id = $1", [trainer.id])).toBe(0);

    // Asked again while they are queued, the same runs are joined.
    const again = await accepted(await refresh(tokens["trainer@acme.test"]!));
    expect(again.runs).toEqual(body.runs.map((run: object) => ({ ...run, joined: true })));
  });

  it("queues a learner's own run", async () => {
    const learner = demoUser("learner@acme.test");
    const body = await accepted(await refresh(tokens["learner@acme.test"]!));
    expect(body.runs).toEqual([{ runId: body.runId, scope: "user", scopeId: learner.id, joined: expect.any(Boolean) }]);
    expect(await queuedRuns("user", learner.id)).toBe(1);
  });

  it("queues an admin's organisation run", async () => {
    const { organizationId } = demoUser("admin@acme.test");
    const body = await accepted(await refresh(tokens["admin@acme.test"]!));
    expect(body.runs).toEqual([{ runId: body.runId, scope: "organization", scopeId: organizationId, joined: expect.any(Boolean) }]);
    expect(await queuedRuns("organization", organizationId)).toBe(1);
  });

  it("is a 409 for a trainer who teaches no course, and queues nothing", async () => {
    const { organizationId } = demoUser("trainer@acme.test");
    const created = await db.client.query(
      `insert into users (organization_id, email, name, role) values ($1, 'trainer-without-courses@acme.test', 'Nina Nocourse', 'trainer')
       on conflict (email) do update set name = excluded.name returning id`,
      [organizationId],
    );
    const trainerId = created.rows[0].id as string;
    const before = await db.count("pipeline_runs");
    const response = await refresh(await sign({ ...claimsFor("trainer@acme.test"), sub: trainerId }));
    expect(response.status).toBe(409);
    expect(await readJson(response)).toMatchObject({ type: "/problems/nothing-to-refresh", status: 409 });
    expect(await db.count("pipeline_runs")).toBe(before);
  });
});

describe("a refresh naming its subject", () => {
  it("queues that course or learner, within the caller's scope", async () => {
    const byCourse = await accepted(await refresh(tokens["trainer@acme.test"]!, { courseId: course("TS-101") }));
    expect(byCourse.runs).toEqual([{ runId: byCourse.runId, scope: "course", scopeId: course("TS-101"), joined: expect.any(Boolean) }]);

    const learner = demoUser("learner@acme.test");
    const byLearner = await accepted(await refresh(tokens["trainer@acme.test"]!, { userId: learner.id }));
    expect(byLearner.runs).toEqual([{ runId: byLearner.runId, scope: "user", scopeId: learner.id, joined: expect.any(Boolean) }]);
  });

  it("is a 404 outside the caller's scope, and queues nothing", async () => {
    const before = await db.count("pipeline_runs");
    // trainer2 teaches SALES-110 and OPS-050, not TS-101, and learner@acme.test takes only TS-101.
    expect((await refresh(tokens["trainer2@acme.test"]!, { courseId: course("TS-101") })).status).toBe(404);
    expect((await refresh(tokens["trainer2@acme.test"]!, { userId: demoUser("learner@acme.test").id })).status).toBe(404);
    expect((await refresh(tokens["learner@acme.test"]!, { userId: demoUser("learner2@acme.test").id })).status).toBe(404);
    expect(await db.count("pipeline_runs")).toBe(before);
  });
});
