import { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./app-env";
import { notFound, onError } from "./errors/handlers";
import { ProblemError } from "./errors/problem";
import { validationHook } from "./errors/validation";
import { accessLog } from "./middleware/access-log";
import { clients } from "./middleware/clients";
import { liveBody, registerHealthRoutes } from "./routes/health";

/** Caller-supplied request ids are kept only when short and plain, so logs stay safe to parse. */
const REQUEST_ID_LIMIT = 128;

function withCommonMiddleware<T extends Hono<any>>(app: T): T {
  app.use(requestId({ limitLength: REQUEST_ID_LIMIT }));
  app.use(accessLog);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}

/** The API: middleware in request order, then every route. */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = withCommonMiddleware(new OpenAPIHono<AppEnv>({ defaultHook: validationHook }));
  app.use(clients);
  registerHealthRoutes(app);
  app.doc31("/api/v1/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: { title: "Learning Analytics API", version: c.env.APP_VERSION },
  }));
  return app;
}

/**
 * What a deployment with invalid configuration serves: liveness (the runtime is fine), a 503 on
 * readiness naming every bad variable, and a 503 everywhere else, never touching a dependency.
 */
export function createMisconfiguredApp(problems: string[]): Hono {
  const app = withCommonMiddleware(new Hono());
  app.get("/api/v1/health/live", (c) => c.json(liveBody));
  app.get("/api/v1/health/ready", () => {
    throw new ProblemError(503, "misconfigured", `Invalid configuration: ${problems.join("; ")}.`, { configuration: problems });
  });
  app.all("*", () => {
    throw new ProblemError(503, "misconfigured", "The service is misconfigured; see /api/v1/health/ready.");
  });
  return app;
}
