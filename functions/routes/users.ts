import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireRole } from "../middleware/require-role";
import { idParam, noQuery } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import { userListQuery, userPageSchema, userWithOrganizationSchema } from "../schemas/users";
import { peoplePage, userInScope } from "../services/directory";

const tags = ["Directory"];
const security = [{ bearerAuth: [] }];

const getUser = createRoute({
  method: "get",
  path: "/api/v1/users/{id}",
  operationId: "getUser",
  tags,
  security,
  summary: "A person in the caller's scope (a trainer: learners of their courses; an admin: the organisation)",
  middleware: [requireRole()] as const,
  request: { params: idParam, query: noQuery },
  responses: {
    200: { description: "The person", content: { "application/json": { schema: userWithOrganizationSchema } } },
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const listUsers = createRoute({
  method: "get",
  path: "/api/v1/users",
  operationId: "listUsers",
  tags,
  security,
  summary: "The organisation's people, by email, in pages (admins)",
  middleware: [requireRole("org_admin")] as const,
  request: { query: userListQuery },
  responses: {
    200: { description: "A page of people", content: { "application/json": { schema: userPageSchema } } },
    ...problemResponses(400, 401, 403, 429),
  },
});

export function registerUserRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getUser, async (c) => c.json(await userInScope(c.get("clients"), c.get("caller"), c.req.valid("param").id), 200));

  app.openapi(listUsers, async (c) => c.json(await peoplePage(c.get("clients"), c.get("caller"), c.req.valid("query")), 200));
}
