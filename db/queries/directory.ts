import { and, asc, eq, gt } from "drizzle-orm";
import type { Database } from "../client";
import { users } from "../schema";

const publicColumns = { id: users.id, email: users.email, name: users.name, role: users.role, department: users.department };

export interface PeopleFilter {
  role?: "learner" | "trainer" | "org_admin";
  department?: string;
  limit: number;
  /** Keyset position: the (email) of the last row of the previous page. */
  afterEmail?: string;
}

/** A page of an organisation's people ordered by email (unique), so pages never overlap. */
export async function listPeople(db: Database, organizationId: string, filter: PeopleFilter) {
  return db.orm
    .select(publicColumns)
    .from(users)
    .where(
      and(
        eq(users.organizationId, organizationId),
        filter.role ? eq(users.role, filter.role) : undefined,
        filter.department ? eq(users.department, filter.department) : undefined,
        filter.afterEmail ? gt(users.email, filter.afterEmail) : undefined,
      ),
    )
    .orderBy(asc(users.email))
    .limit(filter.limit);
}
