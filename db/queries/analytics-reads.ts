import { and, asc, desc, eq, gte, inArray } from "drizzle-orm";
import type { Database } from "../client";
import { aggregateMetrics, courses, courseTrainers, enrolments, learnerAnalytics, organizations, users } from "../schema";

/** A learner's most recent analytics (layer 2), if any run has produced them. */
export async function latestLearnerAnalytics(db: Database, userId: string) {
  const [row] = await db.orm
    .select({ runId: learnerAnalytics.runId, metrics: learnerAnalytics.metrics, computedAt: learnerAnalytics.computedAt })
    .from(learnerAnalytics)
    .where(eq(learnerAnalytics.userId, userId))
    .orderBy(desc(learnerAnalytics.computedAt))
    .limit(1);
  return row;
}

export async function coursesTaughtBy(db: Database, trainerId: string) {
  return db.orm
    .select({ id: courses.id, code: courses.code, title: courses.title })
    .from(courseTrainers)
    .innerJoin(courses, eq(courses.id, courseTrainers.courseId))
    .where(eq(courseTrainers.trainerId, trainerId))
    .orderBy(asc(courses.code));
}

/** The latest analytics of every learner enrolled in the courses, with their names (a trainer's view). */
export async function latestAnalyticsOfEnrolled(db: Database, courseIds: string[]) {
  if (courseIds.length === 0) return [];
  const rows = await db.orm
    .selectDistinctOn([enrolments.courseId, enrolments.userId], {
      courseId: enrolments.courseId,
      userId: enrolments.userId,
      name: users.name,
      runId: learnerAnalytics.runId,
      metrics: learnerAnalytics.metrics,
      computedAt: learnerAnalytics.computedAt,
    })
    .from(enrolments)
    .innerJoin(users, eq(users.id, enrolments.userId))
    .leftJoin(learnerAnalytics, eq(learnerAnalytics.userId, enrolments.userId))
    .where(inArray(enrolments.courseId, courseIds))
    .orderBy(enrolments.courseId, enrolments.userId, desc(learnerAnalytics.computedAt));
  return rows;
}

/** An organisation's layer-3 rows since `since` (groups below the minimum size were never written). */
export async function organizationAggregates(db: Database, organizationId: string, since: Date) {
  return db.orm
    .select({
      level: aggregateMetrics.level,
      groupKey: aggregateMetrics.groupKey,
      periodStart: aggregateMetrics.periodStart,
      groupSize: aggregateMetrics.groupSize,
      metrics: aggregateMetrics.metrics,
      runId: aggregateMetrics.runId,
      computedAt: aggregateMetrics.computedAt,
    })
    .from(aggregateMetrics)
    .where(and(eq(aggregateMetrics.organizationId, organizationId), gte(aggregateMetrics.periodStart, since)))
    .orderBy(asc(aggregateMetrics.periodStart));
}

export async function organizationOf(db: Database, organizationId: string) {
  const [row] = await db.orm.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1);
  return row;
}

export async function courseTitles(db: Database, organizationId: string) {
  return new Map(
    (await db.orm.select({ id: courses.id, title: courses.title }).from(courses).where(eq(courses.organizationId, organizationId))).map(
      (c) => [c.id, c.title],
    ),
  );
}

/** Has any run produced analytics in the organisation yet? (Distinguishes "not yet" from "suppressed".) */
export async function organizationHasAnalytics(db: Database, organizationId: string): Promise<boolean> {
  const rows = await db.orm
    .select({ id: learnerAnalytics.id })
    .from(learnerAnalytics)
    .where(eq(learnerAnalytics.organizationId, organizationId))
    .limit(1);
  return rows.length > 0;
}
