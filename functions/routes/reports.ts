import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { consume, rejectIfLimited } from "../middleware/rate-limit";
import { requireRole } from "../middleware/require-role";
import { idParam, noQuery } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import { downloadSchema, fileQuery, generateBody, historyQuery, historySchema, queuedReportSchema, reportSchema } from "../schemas/reports";
import { downloadUrl, historyPage, reportInScope, reportView, requestReport, signedFile } from "../services/reports";

const tags = ["Reports"];
const security = [{ bearerAuth: [] }];
const generateRoute = createRoute({
  method: "post",
  path: "/api/v1/reports/generate",
  operationId: "generateReport",
  tags,
  security,
  summary:
    "Queue a report (an identical request while one is pending, or within REPORT_REUSE_SECONDS of a ready one, returns that one with its status and joined: true); at most REPORT_RATE_LIMIT requests per user and window, and 409 (report-quota) when a new report would exceed REPORT_MAX_STORED_PER_USER",
  middleware: [requireRole()] as const,
  request: { query: noQuery, body: { required: true, content: { "application/json": { schema: generateBody } } } },
  responses: {
    202: {
      description: "Queued, or joined to an identical report (pending, or ready: then status is ready)",
      content: { "application/json": { schema: queuedReportSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 429),
  },
});

const statusRoute = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/status",
  operationId: "getReportStatus",
  tags,
  security,
  summary: "A report's status: queued, rendering, ready (size, checksum, expiry) or failed (reason)",
  middleware: [requireRole()] as const,
  request: { params: idParam, query: noQuery },
  responses: {
    200: { description: "The report", content: { "application/json": { schema: reportSchema } } },
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const historyRoute = createRoute({
  method: "get",
  path: "/api/v1/reports/history",
  operationId: "getReportHistory",
  tags,
  security,
  summary: "The caller's reports (an admin: the organisation's), newest first, in pages",
  middleware: [requireRole()] as const,
  request: { query: historyQuery },
  responses: {
    200: { description: "A page of reports", content: { "application/json": { schema: historySchema } } },
    ...problemResponses(400, 401, 403, 429),
  },
});

const downloadRoute = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/download",
  operationId: "getReportDownload",
  tags,
  security,
  summary: "A signed URL for a ready report (valid REPORT_URL_TTL_SECONDS, at most 24 h); 410 once the report has expired",
  middleware: [requireRole()] as const,
  request: { params: idParam, query: noQuery },
  responses: {
    200: { description: "Where to fetch the file", content: { "application/json": { schema: downloadSchema } } },
    ...problemResponses(400, 401, 403, 404, 409, 410, 429),
  },
});

const fileRoute = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/file",
  operationId: "getReportFile",
  tags,
  security: [],
  summary: "The report file, through a signed URL (no Authorization header); 410 once the report has expired",
  request: { params: idParam, query: fileQuery },
  responses: {
    200: {
      description: "The file, in the report's format",
      headers: {
        "Content-Disposition": { description: 'attachment; filename="<name>"', schema: { type: "string" } },
        ETag: { description: "The file's SHA-256, quoted", schema: { type: "string" } },
      },
      content: {
        "application/pdf": { schema: { type: "string", format: "binary" } },
        "text/csv": { schema: { type: "string" } },
        "application/json": { schema: { type: "object" } },
      },
    },
    ...problemResponses(400, 403, 404, 410, 429),
  },
});

/** A filename safe in any Content-Disposition parser: ASCII letters, digits, dot, dash, underscore. */
const safeFileName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100);

export function registerReportRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(generateRoute, async (c) => {
    const caller = c.get("caller");
    // Every generate request counts against REPORT_RATE_LIMIT, joined or refused alike: each one
    // costs scope checks and queries, and a plain count cannot be gamed by what a request asks for.
    rejectIfLimited(await consume(c, "reportGenerate", caller.userId), "report requests");
    const queued = await requestReport(c.get("clients"), c.env, caller, c.req.valid("json"));
    c.header("Location", `/api/v1/reports/${queued.reportId}/status`);
    return c.json(queued, 202);
  });

  app.openapi(historyRoute, async (c) => c.json(await historyPage(c.get("clients"), c.get("caller"), c.req.valid("query")), 200));

  app.openapi(statusRoute, async (c) =>
    c.json(reportView(await reportInScope(c.get("clients"), c.get("caller"), c.req.valid("param").id)), 200),
  );

  app.openapi(downloadRoute, async (c) =>
    c.json(await downloadUrl(c.get("clients"), c.env, c.get("caller"), c.req.valid("param").id), 200),
  );

  app.openapi(fileRoute, async (c) => {
    const { file, body, size } = await signedFile(c.get("clients"), c.env, c.req.valid("param").id, c.req.valid("query"));
    const name = safeFileName(file.fileName ?? `report.${file.format}`);
    return c.body(body, 200, {
      "Content-Type": file.contentType ?? "application/octet-stream",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Content-Length": String(size),
      ETag: `"${file.sha256}"`,
      "Cache-Control": "private, max-age=300",
    });
  });
}
