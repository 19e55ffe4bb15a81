import type { z } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../core/codecs/base64";
import { ProblemError } from "../../core/errors/problem";
import { listPeople } from "../../db/queries/directory";
import { findUserInOrganization } from "../../db/queries/users";
import type { Caller } from "../auth/access-token";
import { assertCanAccess } from "../auth/policy";
import type { userListQuery, userPageSchema, userWithOrganizationSchema } from "../schemas/users";
import type { Clients } from "./clients";

const noSuchUser = (id: string) => new ProblemError(404, "not-found", `No user with id ${id}.`);

/** A user the caller may see (404 for one outside their scope, as for none). */
export async function userInScope(clients: Clients, caller: Caller, id: string): Promise<z.infer<typeof userWithOrganizationSchema>> {
  await assertCanAccess(clients.db, caller, { kind: "user", id });
  const user = await findUserInOrganization(clients.db, id, caller.organizationId);
  if (!user) throw noSuchUser(id);
  return user;
}

/** The caller as this API records them, with their token's permissions. */
export async function profileOf(clients: Clients, caller: Caller) {
  const user = await findUserInOrganization(clients.db, caller.userId, caller.organizationId);
  // A token from the platform's auth service may name someone this API has no record of.
  if (!user) throw new ProblemError(404, "not-found", "No profile is recorded for this account.");
  return { ...user, permissions: [...caller.permissions] };
}

/** One page of the organisation's people, by email (keyset: the cursor is the last email). */
export async function peoplePage(
  clients: Clients,
  caller: Caller,
  query: z.infer<typeof userListQuery>,
): Promise<z.infer<typeof userPageSchema>> {
  const { role, department, limit, cursor } = query;
  const afterEmail = cursor === undefined ? undefined : decodeCursor(cursor);
  const rows = await listPeople(clients.db, caller.organizationId, { role, department, limit: limit + 1, afterEmail });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.email) : null };
}
