import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshWindow } from "../clock";
import { startTestApi, type TestApi } from "../harness";
import { database, eventually } from "../pipeline";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  // No pipeline run: a learner-progress report without analytics is still built (its figures are "–").
  // Each test uses its own account: REPORT_RATE_LIMIT counts per user, and each test stays within it (but the rate-limit one).
  api = await startTestApi({
    RATE_LIMIT_LEARNER: "100000",
    RATE_LIMIT_TRAINER: "100000",
    REPORT_RATE_LIMIT: "3",
    REPORT_MAX_STORED_PER_USER: "2",
    PUBLIC_BASE_URL: "https://reports.example.test/",
  });
  db = await database(api);
  for (const email of ["learner@acme.test", "trainer@acme.test", "learner2@acme.test", "learner001@acme.test"])
    tokens[email] = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(email));
});

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

const generate = (email: string, body: object) =>
  api.worker.fetch("/api/v1/reports/generate", {
    method: "POST",
    headers: { ...bearer(tokens[email]!), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

const statusOf = (email: string, id: string) =>
  api.worker.fetch(`/api/v1/reports/${id}/status`, { headers: bearer(tokens[email]!) }).then(readJson);

describe("an identical request after the report is ready", () => {
  it("gets that ready report within REPORT_REUSE_SECONDS (600 s), and a new one after", async () => {
    const request = { type: "learner-progress", format: "json", timeRange: "7d" };
    const first = await readJson(await generate("learner@acme.test", request));
    expect(first).toMatchObject({ status: "queued", joined: false });
    await eventually(
      async () => ((await statusOf("learner@acme.test", first.reportId)).status === "ready" ? true : undefined),
      30_000,
      "the report",
    );

    // The download URL is on PUBLIC_BASE_URL, set here to another host than the Worker's.
    const { url } = await readJson(
      await api.worker.fetch(`/api/v1/reports/${first.reportId}/download`, { headers: bearer(tokens["learner@acme.test"]!) }),
    );
    expect(url.startsWith(`https://reports.example.test/api/v1/reports/${first.reportId}/file?`)).toBe(true);

    const again = await generate("learner@acme.test", request);
    expect(again.status).toBe(202);
    expect(await readJson(again)).toEqual({ reportId: first.reportId, status: "ready", joined: true });
    expect(await db.count("reports", "request_key = (select request_key from reports where id = $1)", [first.reportId])).toBe(1);

    await db.client.query("update reports set created_at = now() - interval '601 seconds' where id = $1", [first.reportId]);
    const later = await readJson(await generate("learner@acme.test", request));
    expect(later).toMatchObject({ status: "queued", joined: false });
    expect(later.reportId).not.toBe(first.reportId);
  });
});

describe("report generation's own rate limit", () => {
  it("refuses the request past REPORT_RATE_LIMIT (3) with 429 and Retry-After, identical ones included", async () => {
    const request = { type: "learner-progress", format: "csv", timeRange: "30d" };
    await freshWindow(); // the burst below is counted in one rate-limit window
    for (let i = 0; i < 3; i += 1) expect((await generate("trainer@acme.test", request)).status).toBe(202);
    const refused = await generate("trainer@acme.test", request);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await readJson(refused)).toMatchObject({
      type: "/problems/rate-limited",
      detail: expect.stringMatching(/^Too many report requests/),
    });
    // Other routes keep the role's own limit.
    expect((await api.worker.fetch("/api/v1/reports/history", { headers: bearer(tokens["trainer@acme.test"]!) })).status).toBe(200);
  });
});

describe("the cap on stored reports per user", () => {
  it("refuses a request that would create a report past REPORT_MAX_STORED_PER_USER (2) with 409", async () => {
    for (const format of ["csv", "json"])
      expect((await generate("learner2@acme.test", { type: "learner-progress", format })).status).toBe(202);
    const refused = await generate("learner2@acme.test", { type: "learner-progress", format: "pdf" });
    expect(refused.status).toBe(409);
    const problem = await readJson(refused);
    expect(problem).toMatchObject({ type: "/problems/report-quota", status: 409, stored: 2 });
    expect(problem.detail).toMatch(/wait for old ones to expire \(the first expires at .+\)/);
    expect(Date.parse(problem.nextExpiresAt)).toBeGreaterThan(Date.now());
    expect(await db.count("reports", "requested_by = $1", [demoUser("learner2@acme.test").id])).toBe(2);
  });

  it("counts neither failed nor expired reports, and still answers an identical request at the cap", async () => {
    const learner = demoUser("learner001@acme.test");
    const key = (format: string) =>
      createHash("sha256").update([learner.id, "learner-progress", format, "user", learner.id, "30d"].join("\n")).digest("hex");
    const insert = (requestKey: string, status: string, expiresIn: string) =>
      db.client.query(
        `insert into reports (organization_id, requested_by, type, format, scope_type, scope_id, time_range, request_key, status, expires_at)
         values ($1, $2, 'learner-progress', 'csv', 'user', $2, '30d', $3, $4, now() + $5::interval) returning id`,
        [learner.organizationId, learner.id, requestKey, status, expiresIn],
      );
    const ready = (await insert(key("csv"), "ready", "30 days")).rows[0].id;
    const other = (await insert("another request", "ready", "30 days")).rows[0].id;
    await insert("a failed one", "failed", "30 days");
    await insert("an expired one", "ready", "-1 second");

    expect(await readJson(await generate("learner001@acme.test", { type: "learner-progress", format: "csv" }))).toEqual({
      reportId: ready,
      status: "ready",
      joined: true,
    });
    expect((await generate("learner001@acme.test", { type: "learner-progress", format: "json" })).status).toBe(409);
    await db.client.query("update reports set expires_at = now() - interval '1 second' where id = $1", [other]);
    expect(await readJson(await generate("learner001@acme.test", { type: "learner-progress", format: "json" }))).toMatchObject({
      status: "queued",
      joined: false,
    });
  });
});
