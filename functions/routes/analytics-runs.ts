import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { consume, rejectIfLimited } from "../middleware/rate-limit";
import { requireRole } from "../middleware/require-role";
import { EXAMPLE_IDS, idParam, noQuery } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import { queuedRunSchema, refreshBody, runSchema } from "../schemas/runs";
import { refreshForCaller, runForCaller } from "../services/runs";

const tags = ["Pipeline"];
const security = [{ bearerAuth: [] }];

const refreshRoute = createRoute({
  method: "post",
  path: "/api/v1/analytics/refresh",
  operationId: "refreshAnalytics",
  tags,
  security,
  summary: "Queue a pipeline run for the caller's scope (joins one already queued)",
  middleware: [requireRole()] as const,
  request: {
    query: noQuery,
    body: {
      required: false,
      description: "No body (or {}): the caller's own analytics; userId or courseId: that learner's or course's",
      content: {
        "application/json": {
          schema: refreshBody,
          examples: {
            learner: { summary: "A learner in scope", value: { userId: EXAMPLE_IDS.learner } },
            course: { summary: "A course in scope", value: { courseId: EXAMPLE_IDS.course } },
            caller: { summary: "The caller", value: {} },
          },
        },
      },
    },
  },
  responses: {
    202: { description: "Queued", content: { "application/json": { schema: queuedRunSchema } } },
    ...problemResponses(400, 401, 403, 404, 413, 415, 429, 503),
  },
});

const runRoute = createRoute({
  method: "get",
  path: "/api/v1/analytics/runs/{id}",
  operationId: "getRun",
  tags,
  security,
  summary: "A pipeline run, stage by stage, with source coverage",
  middleware: [requireRole()] as const,
  request: { params: idParam, query: noQuery },
  responses: {
    200: { description: "The run", content: { "application/json": { schema: runSchema } } },
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

export function registerRunRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(refreshRoute, async (c) => {
    const caller = c.get("caller");
    // Each run costs nine upstream calls per learner: refreshes have their own, lower limit.
    rejectIfLimited(await consume(c, "analyticsRefresh", caller.userId), "refresh requests");
    const { runId, joined } = await refreshForCaller(c.get("clients"), c.env, caller, c.req.valid("json") ?? {});
    c.header("Location", `/api/v1/analytics/runs/${runId}`);
    return c.json({ runId, status: "queued" as const, joined }, 202);
  });

  app.openapi(runRoute, async (c) => {
    return c.json(await runForCaller(c.get("clients"), c.get("caller"), c.req.valid("param").id), 200);
  });
}
