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
  description: [
    "Without a body: a learner's own analytics (a user run), every course a trainer teaches (one course run each; 409 `nothing-to-refresh` for a trainer who teaches none), an admin's organisation. With `userId` or `courseId`: that learner or course, if in the caller's scope (404 otherwise).",
    "",
    "A request for a scope that already has a queued run joins it (`joined: true`), unless that run is stuck: queued and not started `RUN_START_GRACE_SECONDS` after its debounce, or without any step starting or finishing for `RUN_STALL_SECONDS`. A stuck run is marked failed (its `error` says why) and a new run is queued.",
    "",
    "The 202 body lists every run in `runs`; `runId` and `joined` repeat the first, which `Location` points at.",
  ].join("\n"),
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
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 429, 503),
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
    const runs = await refreshForCaller(c.get("clients"), c.env, caller, c.req.valid("json") ?? {});
    const [{ runId, joined }] = runs;
    c.header("Location", `/api/v1/analytics/runs/${runId}`);
    return c.json({ runId, status: "queued" as const, joined, runs }, 202);
  });

  app.openapi(runRoute, async (c) => {
    return c.json(await runForCaller(c.get("clients"), c.get("caller"), c.req.valid("param").id), 200);
  });
}
