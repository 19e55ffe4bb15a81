import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshWindow } from "../clock";
import { startTestApi, type TestApi } from "../harness";
import { database, deliverJob, eventually } from "../pipeline";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;
const tokens: Record<string, string> = {};
/** QStash's log of each delivery of a job step: its URL, attempt number, answer and outcome. */
const deliveries: { url: string; retried: number; status?: number; outcome: string }[] = [];

/** Files are stored in pieces of this many bytes here (1 MiB by default), so a small report takes several. */
const CHUNK_BYTES = 256;

beforeAll(async () => {
  // No pipeline run: a learner-progress report without analytics is still built (its figures are "–").
  // Each test uses its own account: REPORT_RATE_LIMIT counts per user, and each test stays within it (but the rate-limit one).
  // Without analytics a learner-progress JSON is about 1.3 KB (6 pieces of 256 bytes) and its PDF
  // about 5.4 KB, above REPORT_MAX_BYTES (4 KB); the CSV and JSON other tests make are below it.
  api = await startTestApi(
    {
      RATE_LIMIT_LEARNER: "100000",
      RATE_LIMIT_TRAINER: "100000",
      REPORT_RATE_LIMIT: "3",
      REPORT_MAX_STORED_PER_USER: "2",
      PUBLIC_BASE_URL: "https://reports.example.test/",
      REPORT_CHUNK_BYTES: String(CHUNK_BYTES),
      REPORT_MAX_BYTES: "4096",
    },
    {
      log: (entry) => {
        if (entry.standIn === "qstash" && entry.event === "delivery") deliveries.push(entry as (typeof deliveries)[number]);
      },
    },
  );
  db = await database(api);
  for (const email of [
    "learner@acme.test",
    "trainer@acme.test",
    "learner2@acme.test",
    "learner001@acme.test",
    "learner003@acme.test",
    "learner004@acme.test",
    "learner005@acme.test",
  ])
    tokens[email] = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(email));
});

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

/** Render messages this file's requests published: one per report a request created (not joined). */
let renderMessages = 0;

async function generate(email: string, body: object) {
  const response = await api.worker.fetch("/api/v1/reports/generate", {
    method: "POST",
    headers: { ...bearer(tokens[email]!), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status === 202 && !(await readJson(response.clone())).joined) renderMessages += 1;
  return response;
}

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

/** Waits until a report is ready or failed, and returns its status view. */
const settled = (email: string, id: string) =>
  eventually(
    async () => {
      const report = await statusOf(email, id);
      return report.status === "ready" || report.status === "failed" ? report : undefined;
    },
    30_000,
    `report ${id}`,
  );

/** A report's file through its signed URL, fetched from the Worker (the URL's host, PUBLIC_BASE_URL, is not served here). */
async function fetchFile(email: string, id: string) {
  const { url } = await readJson(await api.worker.fetch(`/api/v1/reports/${id}/download`, { headers: bearer(tokens[email]!) }));
  const signed = new URL(url);
  return api.worker.fetch(`${signed.pathname}${signed.search}`);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The stored pieces of a report, in order. */
const storedPieces = async (id: string) =>
  (await db.client.query("select seq, bytes from report_chunks where report_id = $1 order by seq", [id])).rows as {
    seq: number;
    bytes: Buffer;
  }[];

describe("report files stored in pieces", () => {
  it("stores a file larger than one piece in REPORT_CHUNK_BYTES pieces and serves it byte for byte with its size and SHA-256", async () => {
    const { reportId } = await readJson(await generate("learner003@acme.test", { type: "learner-progress", format: "json" }));
    const report = await settled("learner003@acme.test", reportId);
    expect(report).toMatchObject({ status: "ready", error: null });
    expect(report.size).toBeGreaterThan(CHUNK_BYTES);

    const pieces = await storedPieces(reportId);
    expect(pieces.map((piece) => piece.seq)).toEqual([...Array(Math.ceil(report.size / CHUNK_BYTES)).keys()]);
    expect(pieces.slice(0, -1).every((piece) => piece.bytes.length === CHUNK_BYTES)).toBe(true);
    const stored = Buffer.concat(pieces.map((piece) => piece.bytes));
    expect(stored.length).toBe(report.size);
    expect(sha256(stored)).toBe(report.sha256);
    expect(await db.count("reports", "id = $1 and content is null", [reportId])).toBe(1);

    const file = await fetchFile("learner003@acme.test", reportId);
    expect(file.status).toBe(200);
    expect(file.headers.get("etag")).toBe(`"${report.sha256}"`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    // The runtime may compress a JSON body in transit (then the length is the encoded one, or absent).
    if (!file.headers.get("content-encoding")) expect(Number(file.headers.get("content-length"))).toBe(report.size);
    expect(Buffer.from(bytes).equals(stored)).toBe(true);
  });

  it("sends Content-Length from the stored size when the file is streamed as is (a PDF of several pieces)", async () => {
    // learner003's JSON above may be compressed in transit; a PDF is sent as stored. Its ~5.4 KB is
    // above this file's REPORT_MAX_BYTES, so the file is stored directly as a ready report's pieces.
    const learner = demoUser("learner005@acme.test");
    const content = Buffer.from(`%PDF-1.7\n${"0123456789abcdef".repeat(60)}\n%%EOF\n`);
    const { id } = (
      await db.client.query(
        `insert into reports (organization_id, requested_by, type, format, scope_type, scope_id, time_range, request_key,
           status, content_type, file_name, size, sha256, ready_at, expires_at)
         values ($1, $2, 'learner-progress', 'pdf', 'user', $2, '30d', 'streamed pdf', 'ready', 'application/pdf',
           'learner-progress.pdf', $3, $4, now(), now() + interval '1 day') returning id`,
        [learner.organizationId, learner.id, content.length, sha256(content)],
      )
    ).rows[0];
    for (let seq = 0; seq * CHUNK_BYTES < content.length; seq += 1)
      await db.client.query("insert into report_chunks (report_id, seq, bytes) values ($1, $2, $3)", [
        id,
        seq,
        content.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES),
      ]);

    const file = await fetchFile("learner005@acme.test", id);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-encoding")).toBeNull();
    expect(file.headers.get("content-length")).toBe(String(content.length));
    expect(Buffer.from(await file.arrayBuffer()).equals(content)).toBe(true);
  });

  it("still serves a report stored before pieces existed, from its row", async () => {
    const learner = demoUser("learner005@acme.test");
    const content = Buffer.from("name,score\r\nAda,0.9\r\n");
    const { id } = (
      await db.client.query(
        `insert into reports (organization_id, requested_by, type, format, scope_type, scope_id, time_range, request_key,
           status, content, content_type, file_name, size, sha256, ready_at, expires_at)
         values ($1, $2, 'learner-progress', 'csv', 'user', $2, '30d', 'stored the old way', 'ready', $3, 'text/csv; charset=utf-8',
           'learner-progress.csv', $4, $5, now(), now() + interval '1 day') returning id`,
        [learner.organizationId, learner.id, content, content.length, sha256(content)],
      )
    ).rows[0];
    const file = await fetchFile("learner005@acme.test", id);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-length")).toBe(String(content.length));
    expect(file.headers.get("etag")).toBe(`"${sha256(content)}"`);
    expect(Buffer.from(await file.arrayBuffer()).equals(content)).toBe(true);
  });

  it("renders a failed report again over the pieces of an earlier attempt: overwritten, the extra ones removed", async () => {
    const { reportId } = await readJson(
      await generate("learner003@acme.test", { type: "learner-progress", format: "csv", timeRange: "7d" }),
    );
    expect((await settled("learner003@acme.test", reportId)).status).toBe("ready");
    // As if an attempt had stored other bytes and more pieces, then failed.
    await db.client.query("update reports set status = 'failed' where id = $1", [reportId]);
    await db.client.query("update report_chunks set bytes = '\\xdeadbeef' where report_id = $1", [reportId]);
    await db.client.query("insert into report_chunks (report_id, seq, bytes) values ($1, 7, '\\x00')", [reportId]);

    expect((await deliverJob(api, "render", { reportId })).status).toBe(200);
    const report = await statusOf("learner003@acme.test", reportId);
    expect(report).toMatchObject({ status: "ready", error: null });
    const stored = Buffer.concat((await storedPieces(reportId)).map((piece) => piece.bytes));
    expect(stored.length).toBe(report.size);
    expect(sha256(stored)).toBe(report.sha256);
    const file = Buffer.from(await (await fetchFile("learner003@acme.test", reportId)).arrayBuffer());
    expect(file.equals(stored)).toBe(true);

    // Delivered again once ready, the step changes nothing.
    expect((await deliverJob(api, "render", { reportId })).status).toBe(200);
    expect(Buffer.concat((await storedPieces(reportId)).map((piece) => piece.bytes)).equals(stored)).toBe(true);
  });
});

describe("the largest report file, REPORT_MAX_BYTES", () => {
  it("fails a larger report with a reason that says so, stores none of it, says so on download, and is not retried", async () => {
    const { reportId } = await readJson(await generate("learner004@acme.test", { type: "learner-progress", format: "pdf" }));
    const report = await settled("learner004@acme.test", reportId);
    expect(report).toMatchObject({ status: "failed", size: null, sha256: null });
    expect(report.error).toMatch(/^The report is \d+(\.\d)? KB, above the 4 KB limit: narrow its scope or range\.$/);
    expect(await db.count("report_chunks", "report_id = $1", [reportId])).toBe(0);

    const download = await api.worker.fetch(`/api/v1/reports/${reportId}/download`, { headers: bearer(tokens["learner004@acme.test"]!) });
    expect(download.status).toBe(409);
    expect(await readJson(download)).toMatchObject({ type: "/problems/not-ready", detail: `The report failed. ${report.error}` });

    // Every render message of this file, this one included, had its first attempt answered 2xx
    // ("delivered"), so QStash schedules no retry; a 5xx would read "retrying" at once.
    const firstAttempts = await eventually(
      async () => {
        const found = deliveries.filter((delivery) => delivery.url.endsWith("/jobs/render") && delivery.retried === 0);
        return found.length === renderMessages ? found : undefined;
      },
      30_000,
      "a logged first attempt of every render message",
    );
    expect(firstAttempts.map((delivery) => [delivery.status, delivery.outcome])).toEqual(firstAttempts.map(() => [200, "delivered"]));
    expect(deliveries.filter((delivery) => delivery.url.endsWith("/jobs/render") && delivery.retried > 0)).toEqual([]);

    // Delivered again, the step renders the same size again and answers 2xx: the report stays failed with its reason.
    expect((await deliverJob(api, "render", { reportId })).status).toBe(200);
    expect(await statusOf("learner004@acme.test", reportId)).toMatchObject({ status: "failed", error: report.error });
  });
});
