import { createOrJoinReport, findIdenticalReport, storedReports, type findReport } from "../../db/queries/reports";
import { dedupId, type Publisher } from "../../jobs/publisher";
import type { z } from "@hono/zod-openapi";
import type { Caller } from "../auth/access-token";
import { assertCanAccess } from "../auth/policy";
import type { Env } from "../../core/env";
import { ProblemError } from "../../core/errors/problem";
import { sha256Hex } from "../../core/codecs/digest";
import type { generateBody, reportSchema } from "../schemas/reports";
import type { Clients } from "./clients";
import { DAY_MS } from "../../core/domain/time";

type GenerateRequest = z.infer<typeof generateBody>;

/**
 * Who may generate what: a learner their own progress; a trainer progress of their learners and
 * reports of their courses; an admin anything of their organisation. Out-of-scope subjects are
 * 404 (the policy), reports above the caller's role 403.
 */
async function reportScope(clients: Clients, caller: Caller, request: GenerateRequest): Promise<{ type: "user" | "course" | "organization"; id: string }> {
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
        throw new ProblemError(400, "validation", "This report needs scope.courseId.", { errors: [{ pointer: "json.scope.courseId", detail: "Required" }] });
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
export async function requestReport(clients: Clients, env: Env, publisher: Publisher, caller: Caller, request: GenerateRequest) {
  const scope = await reportScope(clients, caller, request);
  const requestKey = await sha256Hex([caller.userId, request.type, request.format, scope.type, scope.id, request.timeRange].join("\n"));
  const reuseSince = new Date(Date.now() - env.REPORT_REUSE_SECONDS * 1000);
  const identical = await findIdenticalReport(clients.db, requestKey, reuseSince);
  if (identical) return { reportId: identical.id, status: identical.status, joined: true };
  const { stored, nextExpiry } = await storedReports(clients.db, caller.userId);
  if (stored >= env.REPORT_MAX_STORED_PER_USER) {
    const first = nextExpiry ? ` (the first expires at ${nextExpiry.toISOString()})` : "";
    throw new ProblemError(409, "report-quota", `You hold ${stored} reports, the most one user may keep; wait for old ones to expire${first}, or use one you have.`, {
      stored,
      nextExpiresAt: nextExpiry?.toISOString() ?? null,
    });
  }
  const { id, status, joined } = await createOrJoinReport(clients.db, {
    organizationId: caller.organizationId,
    requestedBy: caller.userId,
    type: request.type,
    format: request.format,
    scopeType: scope.type,
    scopeId: scope.id,
    timeRange: request.timeRange,
    requestKey,
    expiresAt: new Date(Date.now() + env.REPORT_RETENTION_DAYS * DAY_MS),
  }, reuseSince);
  if (!joined) await publisher.publish("render", { reportId: id }, { deduplicationId: dedupId(id, "render") });
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
export const canSeeReport = (caller: Caller, report: { requestedBy: string }) => caller.role === "org_admin" || report.requestedBy === caller.userId;
