import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ProblemError } from "../../core/errors/problem";
import { keyRing } from "../../core/signing-keys";
import type { AppEnv } from "../app-env";
import { requireRole } from "../middleware/require-role";
import { checkSignInLimits } from "../middleware/sign-in-limits";
import { jwksSchema, loginBody, profileSchema, refreshBody, tokenPairSchema } from "../schemas/auth";
import { noQuery } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import { profileOf } from "../services/directory";
import { login, logout, refresh } from "../services/sessions";

const tags = ["Auth"];
const security = [{ bearerAuth: [] }];
const tokenResponse = { description: "A new access token and refresh token", content: { "application/json": { schema: tokenPairSchema } } };

const loginRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  operationId: "login",
  tags,
  security: [],
  summary: "Sign in with email and password",
  request: { query: noQuery, body: { required: true, content: { "application/json": { schema: loginBody } } } },
  responses: { 200: tokenResponse, ...problemResponses(400, 401, 413, 415, 429, 503) },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/refresh",
  operationId: "refreshToken",
  tags,
  security: [],
  summary: "Exchange a refresh token for new tokens (rotation; reuse revokes the session)",
  request: { query: noQuery, body: { required: true, content: { "application/json": { schema: refreshBody } } } },
  responses: { 200: tokenResponse, ...problemResponses(400, 401, 413, 415, 429) },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  operationId: "logout",
  tags,
  security,
  summary: "End the session: revoke its refresh tokens and every access token issued in it",
  middleware: [requireRole()] as const,
  request: { query: noQuery },
  responses: { 204: { description: "Signed out" }, ...problemResponses(401, 403, 429, 503) },
});

const profileRoute = createRoute({
  method: "get",
  path: "/api/v1/auth/profile",
  operationId: "getProfile",
  tags,
  security,
  summary: "The caller",
  middleware: [requireRole()] as const,
  request: { query: noQuery },
  responses: {
    200: { description: "The caller's profile", content: { "application/json": { schema: profileSchema } } },
    ...problemResponses(401, 403, 404, 429, 503),
  },
});

const jwksRoute = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  operationId: "getJwks",
  tags,
  security: [],
  summary: "Public keys of the tokens this API issues",
  request: { query: noQuery },
  responses: {
    200: { description: "JSON Web Key Set", content: { "application/json": { schema: jwksSchema } } },
    ...problemResponses(400, 429),
  },
});

export function registerAuthRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid("json");
    const limits = await checkSignInLimits(c, email);
    const tokens = await login(c.get("clients"), c.env, email, password).catch(async (error: unknown) => {
      if (error instanceof ProblemError && error.slug === "invalid-credentials") await limits.recordFailure();
      throw error;
    });
    c.header("Cache-Control", "no-store");
    return c.json(tokens, 200);
  });

  app.openapi(refreshRoute, async (c) => {
    const tokens = await refresh(c.get("clients"), c.env, c.req.valid("json").refreshToken, c.get("requestId"));
    c.header("Cache-Control", "no-store");
    return c.json(tokens, 200);
  });

  app.openapi(logoutRoute, async (c) => {
    await logout(c.get("clients"), c.env, c.get("caller"), c.get("requestId"));
    return c.body(null, 204);
  });

  app.openapi(profileRoute, async (c) => {
    return c.json(await profileOf(c.get("clients"), c.get("caller")), 200);
  });

  app.openapi(jwksRoute, async (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json((await keyRing(c.env)).jwks, 200);
  });
}
