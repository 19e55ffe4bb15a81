import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { findRun } from "../../db/queries/runs";
import { qstashPublisher } from "../../jobs/publisher";
import type { AppEnv } from "../app-env";
import type { Caller } from "../auth/access-token";
import { assertCanAccess, type Subject } from "../auth/policy";
import { ProblemError } from "../../core/errors/problem";
import { consume, rejectIfLimited } from "../middleware/rate-limit";
import { requireRole } from "../middleware/require-role";
import { idParam, noQuery } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import { queuedRunSchema, refreshBody, runSchema } from "../schemas/runs";
import type { Clients } from "../services/clients";
import { describeRun, requestRun, type RunRequest } from "../services/runs";

const tags = ["Pipeline"];
const security = [{ bearerAuth: [] }];

const refreshRoute = createRoute({
  method: "post",
  path: "/api/v1/analytics/refresh",
  tags,
  security,
  summary: "Queue a pipeline run for the caller's scope (joins one already queued)",
  middleware: [requireRole()] as const,
  request: { query: noQuery, body: { required: false, content: { "application/json": { schema: refreshBody } } } },
  responses: {
    202: { description: "Queued", content: { "application/json": { schema: queuedRunSchema } } },
    ...problemResponses(400, 401, 403, 404, 413, 415, 429, 503),
  },
});

const runRoute = createRoute({
  method: "get",
  path: "/api/v1/analytics/runs/{id}",
  tags,
  security,
  summary: "A pipeline run, stage by stage, with source coverage",
  middleware: [requireRole()] as const,
  request: { params: idParam, query: noQuery },
  responses: { 200: { description: "The run", content: { "application/json": { schema: runSchema } } }, ...problemResponses(400, 401, 403, 404, 429) },
});

/** What the caller asked to refresh: a learner, a course, or (by default) themself or, for an admin, the organisation. */
function refreshScope(caller: Caller, body: { userId?: string; courseId?: string }): RunRequest {
  const { organizationId } = caller;
  if (body.courseId) return { organizationId, scope: "course", scopeId: body.courseId };
  if (body.userId) return { organizationId, scope: "user", scopeId: body.userId };
  if (caller.role === "org_admin") return { organizationId, scope: "organization", scopeId: organizationId };
  return { organizationId, scope: "user", scopeId: caller.userId };
}

/** A run is visible to whoever may see its subject; the nightly run is internal. */
async function assertCanSeeRun(clients: Clients, caller: Caller, run: { scope: string; scopeId: string | null; organizationId: string | null }) {
  const hidden = new ProblemError(404, "not-found", "No run with this id.");
  if (run.organizationId !== caller.organizationId || !run.scopeId) throw hidden;
  if (run.scope === "organization") {
    if (caller.role !== "org_admin") throw hidden;
    return;
  }
  const subject: Subject = run.scope === "course" ? { kind: "course", id: run.scopeId } : { kind: "user", id: run.scopeId };
  await assertCanAccess(clients.db, caller, subject).catch(() => {
    throw hidden;
  });
}

export function registerRunRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(refreshRoute, async (c) => {
    const caller = c.get("caller")!;
    const clients = c.get("clients");
    // Each run costs nine upstream calls per learner: refreshes have their own, lower limit.
    rejectIfLimited(await consume(c, "analyticsRefresh", caller.userId), "refresh requests");
    const scope = refreshScope(caller, c.req.valid("json") ?? {});
    if (scope.scope !== "organization") {
      await assertCanAccess(clients.db, caller, scope.scope === "course" ? { kind: "course", id: scope.scopeId } : { kind: "user", id: scope.scopeId });
    }
    const { runId, joined } = await requestRun(clients, c.env, qstashPublisher(c.env), scope);
    c.header("Location", `/api/v1/analytics/runs/${runId}`);
    return c.json({ runId, status: "queued" as const, joined }, 202);
  });

  app.openapi(runRoute, async (c) => {
    const clients = c.get("clients");
    const run = await findRun(clients.db, c.req.valid("param").id);
    if (!run) throw new ProblemError(404, "not-found", "No run with this id.");
    await assertCanSeeRun(clients, c.get("caller")!, run);
    return c.json(await describeRun(clients, run), 200);
  });
}
