import { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { timing } from "hono/timing";
import { ProblemError } from "../core/errors/problem";
import type { AppEnv } from "./app-env";
import { publicBaseUrl } from "./auth/signed-url";
import { notFound, onError } from "./errors/handlers";
import { validationHook } from "./errors/validation";
import { accessLog } from "./middleware/access-log";
import { authenticate } from "./middleware/authenticate";
import { clients } from "./middleware/clients";
import { allowedCorsOrigin } from "./middleware/cors-origins";
import { bodyLimit, requireJsonBody } from "./middleware/input";
import { rateLimit } from "./middleware/rate-limit";
import { registerAnalyticsRoutes } from "./routes/analytics";
import { registerRunRoutes } from "./routes/analytics-runs";
import { registerAuthRoutes } from "./routes/auth";
import { registerDashboardRoutes } from "./routes/dashboard";
import { liveBody, registerHealthRoutes } from "./routes/health";
import { jobRoutes } from "./routes/jobs";
import { registerReportRoutes } from "./routes/reports";
import { registerUserRoutes } from "./routes/users";
import { registerWebhookRoutes } from "./routes/webhooks";

/** Caller-supplied request ids are kept only when short and plain, so logs stay safe to parse. */
const REQUEST_ID_LIMIT = 128;

/**
 * An API serves JSON only: nothing may be framed, run or loaded from its responses. A page this
 * Worker serves (the dashboard) sets its own policy, which is kept (`overwrite: false`).
 */
const apiSecureHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  xFrameOptions: "DENY",
  overwrite: false,
});

function withCommonMiddleware<T extends Hono<any>>(app: T): T {
  app.use(requestId({ limitLength: REQUEST_ID_LIMIT }));
  app.use(accessLog);
  // Server-Timing: auth, rate limit, cache and database time of each request, for dashboards' devtools.
  app.use(timing({ total: true, crossOrigin: false }));
  app.use(apiSecureHeaders);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}

/** Dashboards on the configured origins (and, in development, on localhost) may call the API from browsers; no one else. */
const dashboardCors = cors({
  origin: (origin, c) => allowedCorsOrigin(origin, c.env as AppEnv["Bindings"]),
  allowMethods: ["GET", "POST", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type", "If-None-Match", "X-Request-Id"],
  exposeHeaders: [
    "X-Request-Id",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
    "ETag",
    "X-Cache",
    "Server-Timing",
  ],
  maxAge: 600,
});

/** The API: middleware in request order, then every route. */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = withCommonMiddleware(new OpenAPIHono<AppEnv>({ defaultHook: validationHook }));
  // The reference dashboard's page and files (404 unless enabled), before CORS and the clients.
  registerDashboardRoutes(app);
  app.use(dashboardCors);
  app.use(clients);
  // Registered before the guards below, so probes are never authenticated nor rate limited.
  registerHealthRoutes(app);
  app.use(bodyLimit, requireJsonBody);
  // Job steps (QStash signature) and webhooks (per-service HMAC) authenticate themselves.
  app.route("/jobs", jobRoutes());
  registerWebhookRoutes(app);
  app.use(authenticate, rateLimit);
  registerAuthRoutes(app);
  registerUserRoutes(app);
  registerRunRoutes(app);
  registerAnalyticsRoutes(app);
  registerReportRoutes(app);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  app.doc31("/api/v1/openapi.json", (c) => openApiObject(c.env));
  return app;
}

/**
 * The document's top level besides paths and components (what the tests lint): one server, this
 * API's configured public base URL (PUBLIC_BASE_URL, else JOBS_BASE_URL), never the request's Host.
 */
export const openApiObject = (env: AppEnv["Bindings"]) => ({
  openapi: "3.1.0",
  info: { title: "Learning Analytics API", version: env.APP_VERSION },
  servers: [{ url: publicBaseUrl(env) }],
});

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
