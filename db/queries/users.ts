import { and, eq } from "drizzle-orm";
import type { Database } from "../client";
import { organizations, users } from "../schema";

/** The sign-in record of an account, looked up by (lower-cased) email. */
export async function findCredentials(db: Database, email: string) {
  const [row] = await db.orm
    .select({ id: users.id, role: users.role, organizationId: users.organizationId, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email.toLowerCase()))
    .limit(1);
  return row;
}

/** A user's account for the role and organisation a session was issued for, if still so. */
export async function findAccount(db: Database, userId: string) {
  const [row] = await db.orm
    .select({ id: users.id, role: users.role, organizationId: users.organizationId })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row;
}

/** A user with their organisation, within one organisation (never across). */
export async function findUserInOrganization(db: Database, userId: string, organizationId: string) {
  const [row] = await db.orm
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      department: users.department,
      organization: { id: organizations.id, name: organizations.name },
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.organizationId))
    .where(and(eq(users.id, userId), eq(users.organizationId, organizationId)))
    .limit(1);
  return row;
}
