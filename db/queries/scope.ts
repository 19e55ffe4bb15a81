import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { courses, courseTrainers, enrolments, users } from "../schema";

type Role = "learner" | "trainer" | "org_admin";

/** True when the query finds at least one row (it fetches at most one). */
const anyRow = async (query: { limit(n: number): Promise<unknown[]> }) => (await query.limit(1)).length > 0;
const one = { found: sql<number>`1` };

/** Is `learnerId` enrolled in a course that `trainerId` teaches? */
export function learnerInTrainersCourses(db: Database, trainerId: string, learnerId: string): Promise<boolean> {
  return anyRow(
    db.orm
      .select(one)
      .from(enrolments)
      .innerJoin(courseTrainers, eq(courseTrainers.courseId, enrolments.courseId))
      .where(and(eq(enrolments.userId, learnerId), eq(courseTrainers.trainerId, trainerId))),
  );
}

/** Does `userId` belong to `organizationId` (with `role`, when given)? */
export function userInOrganization(db: Database, userId: string, organizationId: string, role?: Role): Promise<boolean> {
  return anyRow(
    db.orm
      .select(one)
      .from(users)
      .where(and(eq(users.id, userId), eq(users.organizationId, organizationId), role ? eq(users.role, role) : undefined)),
  );
}

/** Does `trainerId` teach `courseId`? */
export function trainerTeachesCourse(db: Database, trainerId: string, courseId: string): Promise<boolean> {
  return anyRow(
    db.orm
      .select(one)
      .from(courseTrainers)
      .where(and(eq(courseTrainers.trainerId, trainerId), eq(courseTrainers.courseId, courseId))),
  );
}

/** Does `courseId` belong to `organizationId`? */
export function courseInOrganization(db: Database, courseId: string, organizationId: string): Promise<boolean> {
  return anyRow(
    db.orm
      .select(one)
      .from(courses)
      .where(and(eq(courses.id, courseId), eq(courses.organizationId, organizationId))),
  );
}
