import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { courses, courseTrainers, enrolments, users } from "../schema";

/** Is `learnerId` enrolled in a course that `trainerId` teaches? */
export async function learnerInTrainersCourses(db: Database, trainerId: string, learnerId: string): Promise<boolean> {
  const [row] = await db.orm
    .select({ found: sql<number>`1` })
    .from(enrolments)
    .innerJoin(courseTrainers, eq(courseTrainers.courseId, enrolments.courseId))
    .where(and(eq(enrolments.userId, learnerId), eq(courseTrainers.trainerId, trainerId)))
    .limit(1);
  return row !== undefined;
}

/** Does `userId` belong to `organizationId` (optionally with one of `roles`)? */
export async function userInOrganization(db: Database, userId: string, organizationId: string, role?: "learner" | "trainer" | "org_admin"): Promise<boolean> {
  const [row] = await db.orm
    .select({ found: sql<number>`1` })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.organizationId, organizationId), role ? eq(users.role, role) : undefined))
    .limit(1);
  return row !== undefined;
}

/** Does `trainerId` teach `courseId`? */
export async function trainerTeachesCourse(db: Database, trainerId: string, courseId: string): Promise<boolean> {
  const [row] = await db.orm
    .select({ found: sql<number>`1` })
    .from(courseTrainers)
    .where(and(eq(courseTrainers.trainerId, trainerId), eq(courseTrainers.courseId, courseId)))
    .limit(1);
  return row !== undefined;
}


/** Does `courseId` belong to `organizationId`? */
export async function courseInOrganization(db: Database, courseId: string, organizationId: string): Promise<boolean> {
  const [row] = await db.orm
    .select({ found: sql<number>`1` })
    .from(courses)
    .where(and(eq(courses.id, courseId), eq(courses.organizationId, organizationId)))
    .limit(1);
  return row !== undefined;
}
