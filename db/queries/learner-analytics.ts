import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Database } from "../client";
import { courseTrainers, enrolments, learnerAnalytics } from "../schema";

export interface LearnerAnalyticsRow {
  runId: string;
  organizationId: string;
  userId: string;
  metrics: unknown;
  metricsHash: string;
  expiresAt: Date;
}

/** Each learner's latest metrics hash from an earlier run, to tell which learners changed. */
export async function previousHashes(db: Database, runId: string, userIds: string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.orm
    .selectDistinctOn([learnerAnalytics.userId], { userId: learnerAnalytics.userId, hash: learnerAnalytics.metricsHash })
    .from(learnerAnalytics)
    .where(and(inArray(learnerAnalytics.userId, userIds), ne(learnerAnalytics.runId, runId)))
    .orderBy(learnerAnalytics.userId, desc(learnerAnalytics.computedAt));
  return new Map(rows.map((row) => [row.userId, row.hash]));
}

/** Stores a batch's analytics; a redelivered analyze step overwrites its own rows. */
export async function upsertLearnerAnalytics(db: Database, rows: LearnerAnalyticsRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.orm
    .insert(learnerAnalytics)
    .values(rows)
    .onConflictDoUpdate({
      target: [learnerAnalytics.runId, learnerAnalytics.userId],
      set: {
        metrics: sql`excluded.metrics`,
        metricsHash: sql`excluded.metrics_hash`,
        computedAt: sql`now()`,
        expiresAt: sql`excluded.expires_at`,
      },
    });
}

/** The courses the learners take and who teaches them: the cache subjects their analytics feed. */
export async function coursesAndTrainersOf(db: Database, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db.orm
    .selectDistinct({ courseId: enrolments.courseId, trainerId: courseTrainers.trainerId })
    .from(enrolments)
    .leftJoin(courseTrainers, eq(courseTrainers.courseId, enrolments.courseId))
    .where(inArray(enrolments.userId, userIds));
}
