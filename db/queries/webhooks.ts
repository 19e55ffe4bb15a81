import { inArray } from "drizzle-orm";
import type { Database } from "../client";
import { courses, users, webhookDeliveries } from "../schema";

/** Records a delivery id; false when the service already delivered it (a replay). */
export async function acceptDelivery(db: Database, service: string, deliveryId: string): Promise<boolean> {
  const rows = await db.orm
    .insert(webhookDeliveries)
    .values({ service, deliveryId })
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.deliveryId });
  return rows.length === 1;
}

/** The organisations of the named learners and courses (unknown ids are simply absent). */
export async function subjectsWithOrganizations(db: Database, userIds: string[], courseIds: string[]) {
  const [learners, courseRows] = await Promise.all([
    userIds.length
      ? db.orm.select({ id: users.id, organizationId: users.organizationId }).from(users).where(inArray(users.id, userIds))
      : [],
    courseIds.length
      ? db.orm.select({ id: courses.id, organizationId: courses.organizationId }).from(courses).where(inArray(courses.id, courseIds))
      : [],
  ]);
  return { learners, courses: courseRows };
}
