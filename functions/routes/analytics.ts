import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  courseTitles,
  coursesTaughtBy,
  latestAnalyticsOfEnrolled,
  latestLearnerAnalytics,
  organizationAggregates,
  organizationHasAnalytics,
  organizationOf,
} from "../../db/queries/analytics-reads";
import { findRun } from "../../db/queries/runs";
import { storedLearnerMetrics } from "../../jobs/analyze/learner-metrics";
import { qstashPublisher } from "../../jobs/publisher";
import type { AppEnv } from "../app-env";
import { assertCanAccess } from "../auth/policy";
import { requireRoleRevocationInCacheRead } from "../middleware/require-role";
import { learnerAnalyticsSchema, learnerQuery, organizationAnalyticsSchema, organizationQuery, trainerAnalyticsSchema, trainerQuery } from "../schemas/analytics";
import { problemResponses } from "../schemas/problem";
import { countSources, learnerView, organizationView, pendingLearner, rangeStart, trainerView } from "../services/analytics-views";
import { describeRun, requestRun } from "../services/runs";
import { serveCached } from "../services/serve-cached";

const tags = ["Analytics"];
const security = [{ bearerAuth: [] }];
const cachedHeaders = {
  ETag: { description: "Entity tag of the body; send it back in If-None-Match", schema: { type: "string" as const } },
  "X-Cache": { description: "HIT, MISS or BYPASS", schema: { type: "string" as const } },
  "Server-Timing": { description: "auth, ratelimit, cache and db time", schema: { type: "string" as const } },
};
const answered = (schema: typeof learnerAnalyticsSchema | typeof trainerAnalyticsSchema | typeof organizationAnalyticsSchema, what: string) => ({
  200: { description: what, headers: cachedHeaders, content: { "application/json": { schema } } },
  304: { description: "Not modified (If-None-Match matched)" },
  ...problemResponses(400, 401, 403, 404, 429, 503),
});

const learnerRoute = createRoute({
  method: "get",
  path: "/api/v1/analytics/learner",
  tags,
  security,
  summary: "A learner's velocity, mastery, skill gaps, engagement (and predictions): the caller, or userId in scope",
  middleware: [requireRoleRevocationInCacheRead()] as const,
  request: { query: learnerQuery },
  responses: answered(learnerAnalyticsSchema, "The learner's analytics"),
});

const trainerRoute = createRoute({
  method: "get",
  path: "/api/v1/analytics/trainer",
  tags,
  security,
  summary: "Per course performance, score distribution and at-risk learners: the caller, or trainerId for an admin",
  middleware: [requireRoleRevocationInCacheRead("trainer", "org_admin")] as const,
  request: { query: trainerQuery },
  responses: answered(trainerAnalyticsSchema, "The trainer's course analytics"),
});

const organizationRoute = createRoute({
  method: "get",
  path: "/api/v1/analytics/organization",
  tags,
  security,
  summary: "The organisation's aggregates (small groups suppressed) and their trend over the range",
  middleware: [requireRoleRevocationInCacheRead("org_admin")] as const,
  request: { query: organizationQuery },
  responses: answered(organizationAnalyticsSchema, "The organisation's analytics"),
});

const variantOf = (query: { timeRange: string; includePredictions: boolean }) => `${query.timeRange}:${query.includePredictions ? "predictions" : "plain"}`;

export function registerAnalyticsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(learnerRoute, async (c) => {
    const query = c.req.valid("query");
    const caller = c.get("caller")!;
    const clients = c.get("clients");
    const userId = query.userId ?? caller.userId;
    if (userId !== caller.userId) await assertCanAccess(clients.db, caller, { kind: "learner", id: userId });
    return serveCached(c, { kind: "learner", id: userId }, variantOf(query), query.refreshCache, async () => {
      const row = await latestLearnerAnalytics(clients.db, userId);
      if (row) return { body: learnerView(userId, { ...row, metrics: storedLearnerMetrics(row.metrics) }, query.timeRange, query.includePredictions), cacheable: true };
      const { runId } = await requestRun(clients, c.env, qstashPublisher(c.env), { organizationId: caller.organizationId, scope: "user", scopeId: userId });
      return { body: pendingLearner(userId, query.timeRange, runId), cacheable: false };
    }) as never;
  });

  app.openapi(trainerRoute, async (c) => {
    const query = c.req.valid("query");
    const caller = c.get("caller")!;
    const clients = c.get("clients");
    const trainerId = query.trainerId ?? caller.userId;
    if (trainerId !== caller.userId) await assertCanAccess(clients.db, caller, { kind: "trainer", id: trainerId });
    return serveCached(c, { kind: "trainer", id: trainerId }, variantOf(query), query.refreshCache, async () => {
      const courses = await coursesTaughtBy(clients.db, trainerId);
      const rows = await latestAnalyticsOfEnrolled(clients.db, courses.map((course) => course.id));
      const nothingYet = courses.length > 0 && rows.every((row) => row.metrics === null);
      let pendingRunId: string | null = null;
      if (nothingYet) {
        const publisher = qstashPublisher(c.env);
        for (const course of courses) {
          const { runId } = await requestRun(clients, c.env, publisher, { organizationId: caller.organizationId, scope: "course", scopeId: course.id });
          pendingRunId ??= runId;
        }
      }
      const stored = rows.map((row) => ({ ...row, metrics: row.metrics === null ? null : storedLearnerMetrics(row.metrics) }));
      return { body: trainerView(trainerId, courses, stored, query.timeRange, pendingRunId), cacheable: !nothingYet };
    }) as never;
  });

  app.openapi(organizationRoute, async (c) => {
    const query = c.req.valid("query");
    const caller = c.get("caller")!;
    const clients = c.get("clients");
    const organizationId = caller.organizationId;
    return serveCached(c, { kind: "organization", id: organizationId }, variantOf(query), query.refreshCache, async () => {
      const [organization, rows, titles, hasAnalytics] = await Promise.all([
        organizationOf(clients.db, organizationId),
        organizationAggregates(clients.db, organizationId, rangeStart(query.timeRange, new Date())),
        courseTitles(clients.db, organizationId),
        organizationHasAnalytics(clients.db, organizationId),
      ]);
      let pendingRunId: string | null = null;
      if (!hasAnalytics) {
        pendingRunId = (await requestRun(clients, c.env, qstashPublisher(c.env), { organizationId, scope: "organization", scopeId: organizationId })).runId;
      }
      const latestRunId = rows.at(-1)?.runId;
      const run = latestRunId ? await findRun(clients.db, latestRunId) : undefined;
      const coverage = run ? (await describeRun(clients, run)).sources : {};
      const sources = countSources([]);
      for (const [service, entry] of Object.entries(coverage)) sources[service as keyof typeof sources] = { ok: entry.ok, missing: entry.failed };
      const body = organizationView(organizationId, organization?.minGroupSize ?? 5, rows, titles, sources, query.timeRange, pendingRunId);
      return { body, cacheable: hasAnalytics };
    }) as never;
  });
}
