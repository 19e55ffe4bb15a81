import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireRoleRevocationInCacheRead } from "../middleware/require-role";
import {
  learnerAnalyticsSchema,
  learnerQuery,
  organizationAnalyticsSchema,
  organizationQuery,
  trainerAnalyticsSchema,
  trainerQuery,
} from "../schemas/analytics";
import { problemResponses } from "../schemas/problem";
import { learnerAnswer, organizationAnswer, subjectInScope, trainerAnswer } from "../services/analytics-answers";
import { serveCached } from "../services/serve-cached";

const tags = ["Analytics"];
const security = [{ bearerAuth: [] }];
const cachedHeaders = {
  ETag: { description: "Entity tag of the body; send it back in If-None-Match", schema: { type: "string" as const } },
  "X-Cache": { description: "HIT, MISS or BYPASS", schema: { type: "string" as const } },
  "Server-Timing": { description: "auth, ratelimit, cache and db time", schema: { type: "string" as const } },
};
const answered = (
  schema: typeof learnerAnalyticsSchema | typeof trainerAnalyticsSchema | typeof organizationAnalyticsSchema,
  what: string,
) => ({
  200: { description: what, headers: cachedHeaders, content: { "application/json": { schema } } },
  304: { description: "Not modified (If-None-Match matched)" },
  ...problemResponses(400, 401, 403, 404, 429, 503),
});

const learnerRoute = createRoute({
  method: "get",
  path: "/api/v1/analytics/learner",
  operationId: "getLearnerAnalytics",
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
  operationId: "getTrainerAnalytics",
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
  operationId: "getOrganizationAnalytics",
  tags,
  security,
  summary: "The organisation's aggregates (small groups suppressed) and their trend over the range",
  middleware: [requireRoleRevocationInCacheRead("org_admin")] as const,
  request: { query: organizationQuery },
  responses: answered(organizationAnalyticsSchema, "The organisation's analytics"),
});

const variantOf = (query: { timeRange: string; includePredictions: boolean }) =>
  `${query.timeRange}:${query.includePredictions ? "predictions" : "plain"}`;

export function registerAnalyticsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(learnerRoute, async (c) => {
    const query = c.req.valid("query");
    const caller = c.get("caller");
    const userId = await subjectInScope(c.get("clients"), caller, "learner", query.userId);
    return serveCached(c, { kind: "learner", id: userId }, variantOf(query), query.refreshCache, () =>
      learnerAnswer(c.get("clients"), c.env, caller, userId, query),
    );
  });

  app.openapi(trainerRoute, async (c) => {
    const query = c.req.valid("query");
    const caller = c.get("caller");
    const trainerId = await subjectInScope(c.get("clients"), caller, "trainer", query.trainerId);
    return serveCached(c, { kind: "trainer", id: trainerId }, variantOf(query), query.refreshCache, () =>
      trainerAnswer(c.get("clients"), c.env, caller, trainerId, query),
    );
  });

  app.openapi(organizationRoute, async (c) => {
    const query = c.req.valid("query");
    const { organizationId } = c.get("caller");
    return serveCached(c, { kind: "organization", id: organizationId }, variantOf(query), query.refreshCache, () =>
      organizationAnswer(c.get("clients"), c.env, organizationId, query),
    );
  });
}
