import type { z } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../core/codecs/base64";
import { sha256Hex } from "../../core/codecs/digest";
import { DAY_MS } from "../../core/domain/time";
import type { Env } from "../../core/env";
import { ProblemError } from "../../core/errors/problem";
import {
  createOrJoinReport,
  findIdenticalReport,
  findReport,
  findReportForFile,
  reportHistory,
  storedReports,
} from "../../db/queries/reports";
import { dedupId } from "../../jobs/publisher";
import type { Caller } from "../auth/access-token";
import { assertCanAccess } from "../auth/policy";
import { checkFileUrl, publicBaseUrl, signFileUrl } from "../auth/signed-url";
import type { downloadSchema, fileQuery, generateBody, historyQuery, historySchema, reportSchema } from "../schemas/reports";
import type { Clients } from "./clients";
import { openReportFile } from "./report-file";

type GenerateRequest = z.infer<typeof generateBody>;

/**
 * Who may generate what: a learner their own progress; a trainer progress of their learners and
 * reports of their courses; an admin anything of their organisation. Out-of-scope subjects are
 * 404 (the policy), reports above the caller's role 403.
 */
async function reportScope(
  clients: Clients,
  caller: Caller,
  request: GenerateRequest,
): Promise<{ type: "user" | "course" | "organization"; id: string }> {
  const forbidden = (what: string) => new ProblemError(403, "forbidden", `${what} reports are not available to the ${caller.role} role.`);
  switch (request.type) {
    case "learner-progress": {
      const id = request.scope?.userId ?? caller.userId;
      if (id !== caller.userId) await assertCanAccess(clients.db, caller, { kind: "learner", id });
      return { type: "user", id };
    }
    case "course-performance":
    case "at-risk": {
      if (caller.role === "learner") throw forbidden("Course");
      const courseId = request.scope?.courseId;
      if (!courseId) {
        if (request.type === "at-risk" && caller.role === "org_admin") return { type: "organization", id: caller.organizationId };
        throw new ProblemError(400, "validation", "This report needs scope.courseId.", {
          errors: [{ pointer: "json.scope.courseId", detail: "Required" }],
        });
      }
      await assertCanAccess(clients.db, caller, { kind: "course", id: courseId });
      return { type: "course", id: courseId };
    }
    case "organization-summary":
      if (caller.role !== "org_admin") throw forbidden("Organisation");
      return { type: "organization", id: caller.organizationId };
  }
}

/**
 * Queues a report and publishes its render step, or returns an identical one: still pending, or
 * ready within REPORT_REUSE_SECONDS (then `status` is `ready` and nothing is built again). A
 * request that would create a report when the caller already holds REPORT_MAX_STORED_PER_USER
 * (failed and expired ones aside) is refused with 409; concurrent requests may pass the count
 * together, which REPORT_RATE_LIMIT bounds.
 */
export async function requestReport(clients: Clients, env: Env, caller: Caller, request: GenerateRequest) {
  const scope = await reportScope(clients, caller, request);
  const requestKey = await sha256Hex([caller.userId, request.type, request.format, scope.type, scope.id, request.timeRange].join("\n"));
  const reuseSince = new Date(Date.now() - env.REPORT_REUSE_SECONDS * 1000);
  const identical = await findIdenticalReport(clients.db, requestKey, reuseSince);
  if (identical) return { reportId: identical.id, status: identical.status, joined: true };
  const { stored, nextExpiry } = await storedReports(clients.db, caller.userId);
  if (stored >= env.REPORT_MAX_STORED_PER_USER) {
    const first = nextExpiry ? ` (the first expires at ${nextExpiry.toISOString()})` : "";
    throw new ProblemError(
      409,
      "report-quota",
      `You hold ${stored} reports, the most one user may keep; wait for old ones to expire${first}, or use one you have.`,
      {
        stored,
        nextExpiresAt: nextExpiry?.toISOString() ?? null,
      },
    );
  }
  const { id, status, joined } = await createOrJoinReport(
    clients.db,
    {
      organizationId: caller.organizationId,
      requestedBy: caller.userId,
      type: request.type,
      format: request.format,
      scopeType: scope.type,
      scopeId: scope.id,
      timeRange: request.timeRange,
      requestKey,
      expiresAt: new Date(Date.now() + env.REPORT_RETENTION_DAYS * DAY_MS),
    },
    reuseSince,
  );
  if (!joined) await clients.publisher.publish("render", { reportId: id }, { deduplicationId: dedupId(id, "render") });
  return { reportId: id, status, joined };
}

/** A report's metadata as the API shows it. */
export function reportView(row: NonNullable<Awaited<ReturnType<typeof findReport>>>): z.infer<typeof reportSchema> {
  return {
    id: row.id,
    type: row.type,
    format: row.format,
    scope: { type: row.scopeType as "user" | "course" | "organization", id: row.scopeId },
    timeRange: row.timeRange as z.infer<typeof reportSchema>["timeRange"],
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    readyAt: row.readyAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
    size: row.size,
    sha256: row.sha256,
    error: row.error,
  };
}

/** May the caller see this report? Their own; an admin: any of the organisation's. */
export const canSeeReport = (caller: Caller, report: { requestedBy: string }) =>
  caller.role === "org_admin" || report.requestedBy === caller.userId;

const notFound = () => new ProblemError(404, "not-found", "No report with this id.");
const badUrl = () => new ProblemError(403, "forbidden", "The download URL is invalid or has expired.");
/** Past its expiry a report is gone even before the clean-up deletes it (then it is a 404). */
const expired = (expiresAt: Date) =>
  new ProblemError(410, "report-expired", `The report expired at ${expiresAt.toISOString()}; generate it again.`);
const isExpired = (report: { expiresAt: Date }) => report.expiresAt.getTime() <= Date.now();

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

/** The caller's reports (an admin: the organisation's), newest first, one page after the cursor. */
export async function historyPage(
  clients: Clients,
  caller: Caller,
  query: z.infer<typeof historyQuery>,
): Promise<z.infer<typeof historySchema>> {
  const { type, status, limit, cursor } = query;
  const rows = await reportHistory(clients.db, {
    organizationId: caller.organizationId,
    requestedBy: caller.role === "org_admin" ? undefined : caller.userId,
    type,
    status,
    limit: limit + 1,
    after: cursor ? historyPosition(cursor) : undefined,
  });
  const items = rows.slice(0, limit).map(reportView);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? historyCursor(last) : null };
}

/** A report the caller may see (404 for one outside their scope, as for none). */
export async function reportInScope(clients: Clients, caller: Caller, id: string) {
  const report = await findReport(clients.db, id, caller.organizationId);
  if (!report || !canSeeReport(caller, report)) throw notFound();
  return report;
}

/** A signed URL for a ready, unexpired report, on the configured public base (never the request's Host). */
export async function downloadUrl(clients: Clients, env: Env, caller: Caller, id: string): Promise<z.infer<typeof downloadSchema>> {
  const report = await reportInScope(clients, caller, id);
  // A failed report says why (a client-safe reason, such as its size above REPORT_MAX_BYTES).
  if (report.status === "failed") throw new ProblemError(409, "not-ready", `The report failed. ${report.error ?? ""}`.trim());
  if (report.status !== "ready") throw new ProblemError(409, "not-ready", `The report is ${report.status}.`);
  if (isExpired(report)) throw expired(report.expiresAt);
  const { path, expiresAt } = await signFileUrl(
    env,
    { reportId: report.id, organizationId: report.organizationId, format: report.format },
    new Date(),
  );
  return { url: `${publicBaseUrl(env)}${path}`, expiresAt: expiresAt.toISOString() };
}

/**
 * The file behind a signed URL. Every failure looks the same: a tampered id, signature, expiry or
 * key id, or no such report. What the URL alone proves wrong costs no query; a valid-looking one
 * reads only the metadata its signature covers, and the file is read only once the signature holds,
 * as a stream of its stored pieces with the stored size (its Content-Length).
 */
export async function signedFile(clients: Clients, env: Env, id: string, query: z.infer<typeof fileQuery>) {
  const verify = checkFileUrl(env, query, new Date());
  if (!verify) throw badUrl();
  const file = await findReportForFile(clients.db, id);
  if (!file || !(await verify({ reportId: id, organizationId: file.organizationId, format: file.format }))) throw badUrl();
  if (file.status === "ready" && isExpired(file)) throw expired(file.expiresAt);
  const body = file.status === "ready" ? await openReportFile(clients.db, id, file.size ?? 0) : undefined;
  if (!body) throw notFound();
  return { file, body, size: file.size ?? 0 };
}
