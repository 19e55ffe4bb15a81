import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { listPeople } from "../../db/queries/directory";
import { findUserInOrganization } from "../../db/queries/users";
import type { AppEnv } from "../app-env";
import { decodeCursor, encodeCursor } from "../../core/codecs/base64";
import { assertCanAccess } from "../auth/policy";
import { requireRole } from "../middleware/require-role";
import { idParam, noQuery } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import { userPageSchema, userListQuery, userWithOrganizationSchema } from "../schemas/users";

const tags = ["Directory"];
const security = [{ bearerAuth: [] }];

const getUser = createRoute({
  method: "get",
  path: "/api/v1/users/{id}",
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
  app.openapi(getUser, async (c) => {
    const { id } = c.req.valid("param");
    const caller = c.get("caller")!;
    const { db } = c.get("clients");
    await assertCanAccess(db, caller, { kind: "user", id });
    const user = await findUserInOrganization(db, id, caller.organizationId);
    return c.json(user!, 200);
  });

  app.openapi(listUsers, async (c) => {
    const { role, department, limit, cursor } = c.req.valid("query");
    const afterEmail = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await listPeople(c.get("clients").db, c.get("caller")!.organizationId, { role, department, limit: limit + 1, afterEmail });
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? encodeCursor(items.at(-1)!.email) : null;
    return c.json({ items, nextCursor }, 200);
  });
}
