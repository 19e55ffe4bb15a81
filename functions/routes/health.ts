import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ProblemError } from "../../core/errors/problem";
import type { AppEnv } from "../app-env";
import { noQuery } from "../schemas/common";
import { healthSchema, liveSchema, readySchema } from "../schemas/health";
import { problemResponses } from "../schemas/problem";
import { checkDependencies } from "../services/health";

const tags = ["Health"];

const health = createRoute({
  method: "get",
  path: "/api/v1/health",
  operationId: "getHealth",
  tags,
  security: [],
  summary: "Version, build and server time",
  request: { query: noQuery },
  responses: {
    ...problemResponses(400),
    200: { description: "Service identity", content: { "application/json": { schema: healthSchema } } },
  },
});

const live = createRoute({
  method: "get",
  path: "/api/v1/health/live",
  operationId: "getLiveness",
  tags,
  security: [],
  summary: "Liveness: the Worker answers",
  request: { query: noQuery },
  responses: { ...problemResponses(400), 200: { description: "Alive", content: { "application/json": { schema: liveSchema } } } },
});

const ready = createRoute({
  method: "get",
  path: "/api/v1/health/ready",
  operationId: "getReadiness",
  tags,
  security: [],
  summary: "Readiness: Postgres and Redis reachable within the deadline",
  request: { query: noQuery },
  responses: {
    200: { description: "Every dependency is up", content: { "application/json": { schema: readySchema } } },
    ...problemResponses(400, 503),
  },
});

/** Liveness needs nothing but the runtime, so a misconfigured deployment serves it too. */
export const liveBody = { status: "ok" as const };

export function registerHealthRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(health, (c) =>
    c.json({ status: "ok" as const, version: c.env.APP_VERSION, build: c.env.BUILD_ID, time: new Date().toISOString() }, 200),
  );

  app.openapi(live, (c) => c.json(liveBody, 200));

  app.openapi(ready, async (c) => {
    const checks = await checkDependencies(c.get("clients"), c.env.HEALTH_CHECK_TIMEOUT_MS);
    const down = Object.entries(checks)
      .filter(([, result]) => result.status === "down")
      .map(([name]) => name);
    if (down.length === 0) return c.json({ status: "ready" as const, checks }, 200);
    const detail = `Unavailable: ${down.map((name) => `${name} (${checks[name as keyof typeof checks].error})`).join(", ")}.`;
    throw new ProblemError(503, "dependency-unavailable", detail, { unavailable: down, checks }, { "Retry-After": "5" });
  });
}
