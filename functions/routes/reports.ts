import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { findReport, findReportForFile, reportContent, reportHistory } from "../../db/queries/reports";
import { qstashPublisher } from "../../jobs/publisher";
import type { AppEnv } from "../app-env";
import { decodeCursor, encodeCursor } from "../../core/codecs/base64";
import { checkFileUrl, publicBaseUrl, signFileUrl } from "../auth/signed-url";
import { ProblemError } from "../../core/errors/problem";
import { consume, rejectIfLimited } from "../middleware/rate-limit";
import { requireRole } from "../middleware/require-role";
import { idParam, noQuery } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import { downloadSchema, fileQuery, generateBody, historyQuery, historySchema, queuedReportSchema, reportSchema } from "../schemas/reports";
import { canSeeReport, reportView, requestReport } from "../services/reports";

const tags = ["Reports"];
const security = [{ bearerAuth: [] }];
const notFound = () => new ProblemError(404, "not-found", "No report with this id.");
const badUrl = () => new ProblemError(403, "forbidden", "The download URL is invalid or has expired.");
/** Past its expiry a report is gone even before the clean-up deletes it (then it is a 404). */
const expired = (expiresAt: Date) => new ProblemError(410, "report-expired", `The report expired at ${expiresAt.toISOString()}; generate it again.`);
const isExpired = (report: { expiresAt: Date }) => report.expiresAt.getTime() <= Date.now();

const generateRoute = createRoute({
  method: "post",
  path: "/api/v1/reports/generate",
  tags,
  security,
  summary: "Queue a report (an identical request while one is pending, or within REPORT_REUSE_SECONDS of a ready one, returns that one with its status and joined: true); at most REPORT_RATE_LIMIT requests per user and window, and 409 (report-quota) when a new report would exceed REPORT_MAX_STORED_PER_USER",
  middleware: [requireRole()] as const,
  request: { query: noQuery, body: { required: true, content: { "application/json": { schema: generateBody } } } },
  responses: { 202: { description: "Queued, or joined to an identical report (pending, or ready: then status is ready)", content: { "application/json": { schema: queuedReportSchema } } }, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 429) },
});

const statusRoute = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/status",
  tags,
  security,
  summary: "A report's status: queued, rendering, ready (size, checksum, expiry) or failed (reason)",
  middleware: [requireRole()] as const,
  request: { params: idParam, query: noQuery },
  responses: { 200: { description: "The report", content: { "application/json": { schema: reportSchema } } }, ...problemResponses(400, 401, 403, 404, 429) },
});

const historyRoute = createRoute({
  method: "get",
  path: "/api/v1/reports/history",
  tags,
  security,
  summary: "The caller's reports (an admin: the organisation's), newest first, in pages",
  middleware: [requireRole()] as const,
  request: { query: historyQuery },
  responses: { 200: { description: "A page of reports", content: { "application/json": { schema: historySchema } } }, ...problemResponses(400, 401, 403, 429) },
});

const downloadRoute = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/download",
  tags,
  security,
  summary: "A signed URL for a ready report (valid REPORT_URL_TTL_SECONDS, at most 24 h); 410 once the report has expired",
  middleware: [requireRole()] as const,
  request: { params: idParam, query: noQuery },
  responses: { 200: { description: "Where to fetch the file", content: { "application/json": { schema: downloadSchema } } }, ...problemResponses(400, 401, 403, 404, 409, 410, 429) },
});

const fileRoute = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/file",
  tags,
  summary: "The report file, through a signed URL (no Authorization header); 410 once the report has expired",
  request: { params: idParam, query: fileQuery },
  responses: {
    200: { description: "The file (PDF, CSV or JSON)", content: { "application/pdf": { schema: { type: "string", format: "binary" } } } },
    ...problemResponses(400, 403, 404, 410, 429),
  },
});

/** History pages continue after (createdAt, id) of the last row. */
const historyCursor = (row: { createdAt: string; id: string }) => encodeCursor(`${row.createdAt}|${row.id}`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The position a cursor names; a cursor this API did not make is a 400, never ignored nor sent to the database. */
function historyPosition(cursor: string) {
  const [createdAt, id, ...rest] = (decodeCursor(cursor) ?? "").split("|");
  const date = new Date(createdAt || Number.NaN);
  if (rest.length > 0 || !id || !UUID.test(id) || Number.isNaN(date.getTime())) {
    throw new ProblemError(400, "validation", "The request has invalid or unknown fields.", {
      errors: [{ pointer: "query.cursor", detail: "must be a nextCursor from a previous page" }],
    });
  }
  return { createdAt: date, id };
}

/** A filename safe in any Content-Disposition parser: ASCII letters, digits, dot, dash, underscore. */
const safeFileName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100);

export function registerReportRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(generateRoute, async (c) => {
    const caller = c.get("caller")!;
    // Every generate request counts against REPORT_RATE_LIMIT, joined or refused alike: each one
    // costs scope checks and queries, and a plain count cannot be gamed by what a request asks for.
    rejectIfLimited(await consume(c, "reportGenerate", caller.userId), "report requests");
    const queued = await requestReport(c.get("clients"), c.env, qstashPublisher(c.env), caller, c.req.valid("json"));
    c.header("Location", `/api/v1/reports/${queued.reportId}/status`);
    return c.json(queued, 202);
  });

  app.openapi(historyRoute, async (c) => {
    const { type, status, limit, cursor } = c.req.valid("query");
    const caller = c.get("caller")!;
    const rows = await reportHistory(c.get("clients").db, {
      organizationId: caller.organizationId,
      requestedBy: caller.role === "org_admin" ? undefined : caller.userId,
      type,
      status,
      limit: limit + 1,
      after: cursor ? historyPosition(cursor) : undefined,
    });
    const items = rows.slice(0, limit).map(reportView);
    return c.json({ items, nextCursor: rows.length > limit ? historyCursor(items.at(-1)!) : null }, 200);
  });

  app.openapi(statusRoute, async (c) => {
    const caller = c.get("caller")!;
    const report = await findReport(c.get("clients").db, c.req.valid("param").id, caller.organizationId);
    if (!report || !canSeeReport(caller, report)) throw notFound();
    return c.json(reportView(report), 200);
  });

  app.openapi(downloadRoute, async (c) => {
    const caller = c.get("caller")!;
    const report = await findReport(c.get("clients").db, c.req.valid("param").id, caller.organizationId);
    if (!report || !canSeeReport(caller, report)) throw notFound();
    if (report.status !== "ready") throw new ProblemError(409, "not-ready", `The report is ${report.status}.`);
    if (isExpired(report)) throw expired(report.expiresAt);
    const { path, expiresAt } = await signFileUrl(c.env, { reportId: report.id, organizationId: report.organizationId, format: report.format }, new Date());
    // The configured base, never the request's Host header (which the client chooses).
    return c.json({ url: `${publicBaseUrl(c.env)}${path}`, expiresAt: expiresAt.toISOString() }, 200);
  });

  app.openapi(fileRoute, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.get("clients").db;
    // Every failure looks the same: a tampered id, signature, expiry or key id, or no such report.
    // What the URL alone proves wrong costs no query; a valid-looking one reads only the metadata
    // its signature covers, and the file is read only once the signature holds.
    const verify = checkFileUrl(c.env, c.req.valid("query"), new Date());
    if (!verify) throw badUrl();
    const file = await findReportForFile(db, id);
    if (!file || !(await verify({ reportId: id, organizationId: file.organizationId, format: file.format }))) throw badUrl();
    if (file.status === "ready" && isExpired(file)) throw expired(file.expiresAt);
    const content = file.status === "ready" ? await reportContent(db, id) : undefined;
    if (!content) throw notFound();
    const name = safeFileName(file.fileName ?? `report.${file.format}`);
    return c.body(new Uint8Array(content), 200, {
      "Content-Type": file.contentType ?? "application/octet-stream",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Content-Length": String(content.length),
      ETag: `"${file.sha256}"`,
      "Cache-Control": "private, max-age=300",
    }) as never;
  });
}
