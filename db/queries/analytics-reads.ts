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

/**
 * The organisation's learners, and its departments and courses with how many learners each has:
 * what the organisation answer needs to tell "not analysed yet" from "suppressed (too small)".
 */
export async function organizationGroups(db: Database, organizationId: string) {
  const [learners, departments, courseSizes] = await Promise.all([
    db.sql.query(`select count(*)::int as n from users where organization_id = $1 and role = 'learner'`, [organizationId]),
    db.sql.query(
      `select department, count(*)::int as learners from users
       where organization_id = $1 and role = 'learner' and department is not null group by department order by department`,
      [organizationId],
    ),
    db.sql.query(
      `select c.id as "courseId", c.title, count(e.user_id)::int as learners from courses c
       left join enrolments e on e.course_id = c.id where c.organization_id = $1 group by c.id, c.title order by c.title`,
      [organizationId],
    ),
  ]);
  return {
    learners: (learners[0] as { n: number } | undefined)?.n ?? 0,
    departments: departments as { department: string; learners: number }[],
    courses: courseSizes as { courseId: string; title: string; learners: number }[],
  };
}

/** When a run of this scope last finished (completed or failed), if ever: partial answers wait for a new one only after a pause. */
export async function lastRunFinishedAt(db: Database, scope: "user" | "course" | "organization", scopeId: string): Promise<Date | null> {
  const rows = (await db.sql.query(
    `select max(finished_at) as at from pipeline_runs where scope = $1 and scope_id = $2 and finished_at is not null`,
    [scope, scopeId],
  )) as { at: string | Date | null }[];
  const at = rows[0]?.at;
  return at ? new Date(at) : null;
}
