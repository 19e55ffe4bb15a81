import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReportModelSchema } from "../../jobs/reports/render/model";
import { startTestApi, type TestApi } from "../harness";
import { database, deliverJob, eventually, finishedRun } from "../pipeline";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;
const tokens: Record<string, string> = {};
let tsCourse: string;

beforeAll(async () => {
  api = await startTestApi({
    REFRESH_DEBOUNCE_SECONDS: "0",
    PIPELINE_BATCH_SIZE: "50",
    RATE_LIMIT_LEARNER: "100000",
    RATE_LIMIT_TRAINER: "100000",
    RATE_LIMIT_ORG_ADMIN: "100000",
    RATE_LIMIT_ANONYMOUS: "100000",
  });
  db = await database(api);
  for (const email of ["learner@acme.test", "trainer@acme.test", "trainer2@acme.test", "admin@acme.test", "admin@globex.test"]) {
    tokens[email] = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(email));
  }
  tsCourse = (await db.client.query("select id from courses where code = 'TS-101'")).rows[0].id;
  // A learner whose name is a spreadsheet formula: the CSV must neutralise it.
  await db.client.query(`update users set name = '=HYPERLINK("http://evil.example","x")' where email = 'learner001@acme.test'`);
  const run = await readJson(
    await api.worker.fetch("/api/v1/analytics/refresh", { method: "POST", headers: bearer(tokens["admin@acme.test"]!) }),
  );
  expect((await finishedRun(api, tokens["admin@acme.test"]!, run.runId, 120_000)).status).toBe("completed");
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

async function readyReport(email: string, body: object) {
  const response = await generate(email, body);
  expect(response.status).toBe(202);
  const { reportId } = await readJson(response);
  const status = await eventually(
    async () => {
      const report = await readJson(await api.worker.fetch(`/api/v1/reports/${reportId}/status`, { headers: bearer(tokens[email]!) }));
      return report.status === "ready" || report.status === "failed" ? report : undefined;
    },
    30_000,
    `report ${reportId}`,
  );
  expect(status).toMatchObject({ status: "ready", error: null });
  return status;
}

async function download(email: string, reportId: string) {
  const response = await api.worker.fetch(`/api/v1/reports/${reportId}/download`, { headers: bearer(tokens[email]!) });
  expect(response.status).toBe(200);
  return readJson(response) as Promise<{ url: string; expiresAt: string }>;
}

const pdfText = async (bytes: Uint8Array) => {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({ data: bytes, isEvalSupported: false, useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= document.numPages; n += 1) {
    const content = await (await document.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ("str" in item ? item.str : "")).join(" "));
  }
  return pages;
};

const cases = [
  ["learner@acme.test", { type: "learner-progress" }, "Learner progress"],
  ["trainer@acme.test", { type: "course-performance", scope: { courseId: "TS" } }, "Course performance"],
  ["trainer@acme.test", { type: "at-risk", scope: { courseId: "TS" } }, "Learners at risk"],
  ["admin@acme.test", { type: "organization-summary" }, "Organisation summary"],
] as const;

describe.each(["pdf", "csv", "json"] as const)("every report type as %s", (format) => {
  it.each(cases)("%s: %o → ready → signed URL → file without Authorization", async (email, request, title) => {
    const body = { ...request, ...("scope" in request ? { scope: { courseId: tsCourse } } : {}), format, timeRange: "30d" };
    const report = await readyReport(email, body);
    expect(report.size).toBeGreaterThan(0);
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    const { url, expiresAt } = await download(email, report.id);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(file.headers.get("cache-control")).toMatch(/^private/);
    expect(file.headers.get("etag")).toBe(`"${report.sha256}"`);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.(pdf|csv|json)"$/);
    const bytes = new Uint8Array(await file.arrayBuffer());
    // The runtime may compress a JSON body in transit (then the length is the encoded one, or absent).
    if (!file.headers.get("content-encoding")) expect(Number(file.headers.get("content-length"))).toBe(bytes.length);
    expect(bytes.length).toBe(report.size);
    if (format === "pdf") {
      expect(file.headers.get("content-type")).toBe("application/pdf");
      const pages = await pdfText(bytes);
      expect(pages[0]).toContain(title);
      expect(pages[0]).toContain("Acme Learning");
      expect(pages.every((text, i) => text.includes(`Page ${i + 1} of ${pages.length}`))).toBe(true);
    } else if (format === "json") {
      expect(file.headers.get("content-type")).toMatch(/^application\/json/);
      expect(ReportModelSchema.parse(JSON.parse(new TextDecoder().decode(bytes))).title).toBe(title);
    } else {
      expect(file.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(new TextDecoder().decode(bytes).split("\r\n").length).toBeGreaterThan(1);
    }
  });
});

describe("report contents", () => {
  it("draws the course report's charts and neutralises a formula-like name in the CSV", async () => {
    const pdf = await readyReport("trainer@acme.test", { type: "course-performance", format: "pdf", scope: { courseId: tsCourse } });
    const pages = await pdfText(new Uint8Array(await (await fetch((await download("trainer@acme.test", pdf.id)).url)).arrayBuffer()));
    const text = pages.join(" ");
    for (const chart of ["Average scores", "Completion funnel", "Units completed per week"]) expect(text).toContain(chart);

    const csv = await readyReport("trainer@acme.test", {
      type: "course-performance",
      format: "csv",
      scope: { courseId: tsCourse },
      timeRange: "90d",
    });
    const content = await (await fetch((await download("trainer@acme.test", csv.id)).url)).text();
    expect(content).toContain(`'=HYPERLINK`);
    expect(content).not.toMatch(/(^|,|")=HYPERLINK/m);
    // Response.text() has dropped the byte order mark.
    expect(content.slice(0, content.indexOf("\r\n"))).toBe(
      "user_id,learner,course_id,course,status,status_label,progress_percent,score_percent,engagement_0_100,risk_status,risk_status_label,risk_probability_0_1",
    );
  });

  it("lists at-risk enrolments highest first, none withdrawn or completed, every factor labelled", async () => {
    const file = async (type: string) => {
      const report = await readyReport("trainer@acme.test", { type, format: "json", scope: { courseId: tsCourse }, timeRange: "90d" });
      const bytes = new Uint8Array(await (await fetch((await download("trainer@acme.test", report.id)).url)).arrayBuffer());
      return ReportModelSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
    };
    const [risk, performance] = [await file("at-risk"), await file("course-performance")];
    const probabilities = risk.table.rows.map((row) => row.risk_probability_0_1 as number);
    expect(probabilities.every((p) => typeof p === "number")).toBe(true);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    const statusOf = new Map(performance.table.rows.map((row) => [row.user_id, row.risk_status]));
    for (const row of risk.table.rows) expect(statusOf.get(row.user_id)).toBe("at_risk");
    expect(risk.summary.find((f) => f.key === "at_risk")?.number).toBe(risk.table.rows.length);
    const codes = /\b(missedShare|lastMissed|earnedShare|sinceActivity|weightedScore|noScore)\b/;
    for (const row of risk.table.rows) expect(String(row.factors ?? "")).not.toMatch(codes);
  });
});

describe("signed URLs", () => {
  let reportId: string;
  let url: URL;
  beforeAll(async () => {
    reportId = (await readyReport("learner@acme.test", { type: "learner-progress", format: "json", timeRange: "7d" })).id;
    url = new URL((await download("learner@acme.test", reportId)).url);
  });

  const fetchWith = (change: (u: URL) => void) => {
    const copy = new URL(url);
    change(copy);
    return fetch(copy);
  };
  const sign = (exp: number, kid: string, secret: string) => {
    const learner = demoUser("learner@acme.test");
    return createHmac("sha256", secret)
      .update(["GET", `/api/v1/reports/${reportId}/file`, reportId, learner.organizationId, "json", String(exp), kid].join("\n"))
      .digest("base64url");
  };

  it("works without an Authorization header", async () => {
    expect((await fetch(url)).status).toBe(200);
  });

  it.each([
    ["id", (u: URL) => (u.pathname = u.pathname.replace(/[0-9a-f]{8}-/, "00000000-"))],
    ["sig", (u: URL) => u.searchParams.set("sig", `${u.searchParams.get("sig")!.slice(0, -2)}AA`)],
    ["exp", (u: URL) => u.searchParams.set("exp", String(Number(u.searchParams.get("exp")) + 60))],
    ["kid", (u: URL) => u.searchParams.set("kid", "another-key")],
  ])("refuses a tampered %s with 403", async (_, change) => {
    const response = await fetchWith(change);
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("refuses a report past its expiry (410) before the clean-up has removed it, on download and through an earlier URL", async () => {
    const { id } = await readyReport("learner@acme.test", { type: "learner-progress", format: "csv", timeRange: "7d" });
    const { url: earlier } = await download("learner@acme.test", id);
    await db.client.query("update reports set expires_at = now() - interval '1 second' where id = $1", [id]);
    for (const response of [
      await api.worker.fetch(`/api/v1/reports/${id}/download`, { headers: bearer(tokens["learner@acme.test"]!) }),
      await fetch(earlier),
    ]) {
      expect(response.status).toBe(410);
      expect(await readJson(response)).toMatchObject({ type: "/problems/report-expired", title: "Gone" });
    }
  });

  it("builds the download URL on the configured base, whatever Host the request names", async () => {
    const target = new URL(`/api/v1/reports/${reportId}/download`, api.worker.url);
    const body = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(target, { headers: { ...bearer(tokens["learner@acme.test"]!), Host: "evil.example" } }, (response) => {
        let text = "";
        response
          .setEncoding("utf8")
          .on("data", (chunk: string) => (text += chunk))
          .on("end", () => resolve(text));
      });
      request.on("error", reject).end();
    });
    // PUBLIC_BASE_URL is unset here, so the base is JOBS_BASE_URL (the Worker).
    expect(JSON.parse(body).url.startsWith(`${api.stack.vars.JOBS_BASE_URL}/api/v1/reports/${reportId}/file?`)).toBe(true);
  });

  it("refuses an expired URL and one valid beyond the 24 h cap, even correctly signed", async () => {
    const { kid, secret } = (JSON.parse(api.stack.vars.REPORT_URL_KEYS) as { kid: string; secret: string }[])[0]!;
    const now = Math.floor(Date.now() / 1000);
    for (const exp of [now - 1, now + 25 * 3600]) {
      const response = await fetchWith((u) => {
        u.searchParams.set("exp", String(exp));
        u.searchParams.set("sig", sign(exp, kid, secret));
      });
      expect(response.status).toBe(403);
    }
    const good = now + 600;
    expect(
      (
        await fetchWith((u) => {
          u.searchParams.set("exp", String(good));
          u.searchParams.set("sig", sign(good, kid, secret));
        })
      ).status,
    ).toBe(200);
  });
});

describe("scope and idempotence", () => {
  it("refuses a learner a course report (403) and another learner's progress (404)", async () => {
    expect((await generate("learner@acme.test", { type: "course-performance", format: "csv", scope: { courseId: tsCourse } })).status).toBe(
      403,
    );
    expect(
      (
        await generate("learner@acme.test", {
          type: "learner-progress",
          format: "csv",
          scope: { userId: demoUser("learner2@acme.test").id },
        })
      ).status,
    ).toBe(404);
    expect((await generate("trainer2@acme.test", { type: "at-risk", format: "csv", scope: { courseId: tsCourse } })).status).toBe(404);
    expect((await generate("trainer@acme.test", { type: "organization-summary", format: "csv" })).status).toBe(403);
  });

  it("answers another organisation's report id as not found", async () => {
    const { id } = await readyReport("admin@acme.test", { type: "organization-summary", format: "json", timeRange: "90d" });
    for (const path of [`/api/v1/reports/${id}/status`, `/api/v1/reports/${id}/download`]) {
      expect((await api.worker.fetch(path, { headers: bearer(tokens["admin@globex.test"]!) })).status).toBe(404);
    }
  });

  it("stores one file when the render step is delivered twice", async () => {
    const report = await readyReport("admin@acme.test", { type: "at-risk", format: "pdf", timeRange: "7d" });
    const before = (await db.client.query("select sha256, ready_at, size from reports where id = $1", [report.id])).rows[0];
    expect((await deliverJob(api, "render", { reportId: report.id })).status).toBe(200);
    expect((await deliverJob(api, "render", { reportId: report.id })).status).toBe(200);
    expect((await db.client.query("select sha256, ready_at, size from reports where id = $1", [report.id])).rows[0]).toEqual(before);
    expect(await db.count("reports", "id = $1", [report.id])).toBe(1);
  });

  it("shows why a report failed without the internal error text", async () => {
    const admin = demoUser("admin@acme.test");
    // A time range no request can carry: building the report throws a RangeError ("Invalid time value").
    const { rows } = await db.client.query(
      `insert into reports (organization_id, requested_by, type, format, scope_type, scope_id, time_range, request_key, expires_at)
       values ($1, $2, 'organization-summary', 'json', 'organization', $1, 'forever', 'broken-range', now() + interval '1 day') returning id`,
      [admin.organizationId, admin.id],
    );
    expect((await deliverJob(api, "render", { reportId: rows[0].id })).status).toBe(500);
    const report = await readJson(
      await api.worker.fetch(`/api/v1/reports/${rows[0].id}/status`, { headers: bearer(tokens["admin@acme.test"]!) }),
    );
    expect(report.status).toBe("failed");
    expect(report.error).toMatch(
      /^The report could not be built: an internal error occurred\. Try again later, or quote reference [\w-]+ if it keeps failing\.$/,
    );
    expect(report.error).not.toMatch(/Invalid time value|RangeError/);
  });

  it("pages the history newest first, filtered by type", async () => {
    // Three learner-progress reports of this test's own (requests no other test makes), so there is a second page.
    await readyReport("learner@acme.test", { type: "learner-progress", format: "json", timeRange: "1y" });
    await readyReport("learner@acme.test", { type: "learner-progress", format: "csv", timeRange: "1y" });
    await readyReport("learner@acme.test", { type: "learner-progress", format: "json", timeRange: "90d" });
    const first = await readJson(
      await api.worker.fetch("/api/v1/reports/history?limit=2&type=learner-progress", { headers: bearer(tokens["learner@acme.test"]!) }),
    );
    expect(first.items).toHaveLength(2);
    expect(first.items.every((r: { type: string }) => r.type === "learner-progress")).toBe(true);
    expect(Date.parse(first.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(first.items[1].createdAt));
    const second = await readJson(
      await api.worker.fetch(`/api/v1/reports/history?limit=2&type=learner-progress&cursor=${first.nextCursor}`, {
        headers: bearer(tokens["learner@acme.test"]!),
      }),
    );
    const ids = [...first.items, ...second.items].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const adminView = await readJson(
      await api.worker.fetch("/api/v1/reports/history?limit=100", { headers: bearer(tokens["admin@acme.test"]!) }),
    );
    expect(adminView.items.some((r: { type: string }) => r.type === "learner-progress")).toBe(true);
  });

  it.each([
    ["garbage", "garbage"],
    ["an id that is not a UUID", "2026-01-01T00:00:00.000Z|not-a-uuid"],
    ["a date that is not one", `x|${demoUser("learner@acme.test").id}`],
    ["extra parts", `2026-01-01T00:00:00.000Z|${demoUser("learner@acme.test").id}|x`],
  ])("refuses a forged history cursor (%s) with a 400 on query.cursor", async (_, text) => {
    const response = await api.worker.fetch(`/api/v1/reports/history?cursor=${Buffer.from(text).toString("base64url")}`, {
      headers: bearer(tokens["learner@acme.test"]!),
    });
    expect(response.status).toBe(400);
    expect((await readJson(response)).errors).toEqual([{ pointer: "query.cursor", detail: "must be a nextCursor from a previous page" }]);
  });
});

describe("an organisation below the minimum group size (Globex)", () => {
  beforeAll(async () => {
    const run = await readJson(
      await api.worker.fetch("/api/v1/analytics/refresh", { method: "POST", headers: bearer(tokens["admin@globex.test"]!) }),
    );
    expect((await finishedRun(api, tokens["admin@globex.test"]!, run.runId, 120_000)).status).toBe("completed");
  });

  // Its groups are all below the minimum size, so no aggregates are stored; the charts without data are left out.
  it.each(["pdf", "csv", "json"] as const)("gets its organisation summary as %s", async (format) => {
    const report = await readyReport("admin@globex.test", { type: "organization-summary", format, timeRange: "30d" });
    const file = await fetch((await download("admin@globex.test", report.id)).url);
    expect(file.status).toBe(200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (format === "json") {
      const model = ReportModelSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
      expect(model).toMatchObject({ organizationName: "Globex Academy", charts: {} });
      expect(model.summary[0]).toEqual({ key: "learners", label: "Learners", value: "suppressed (small group)", number: null });
    } else if (format === "pdf") {
      expect((await pdfText(bytes))[0]).toContain("Globex Academy");
    } else {
      expect(bytes.length).toBe(report.size);
    }
  });
});
