import { doublePrecision, integer, jsonb, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * What the at-risk model knows about a course's cohort, computed in SQL by the nightly run from
 * that run's snapshots (db/queries/cohort-context.ts). Aggregates only, never over fewer learners or
 * offerings than the organisation's minimum group size, so no personal data: kept until the next
 * nightly run replaces it, and read by every run in between (snapshots are gone once a run ends).
 */
export const courseCohortContext = pgTable(
  "course_cohort_context",
  {
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** The upstream (courseBuilder) id of the course. */
    courseId: uuid("course_id").notNull(),
    /** Assessment id → mean of the contributing learners' best score as a share of the maximum (0..1). */
    assessmentMeans: jsonb("assessment_means").notNull(),
    /** Σ(failed + withdrawn) / Σ learners over the earlier offerings large enough to count; null when none is. */
    courseFailRate: doublePrecision("course_fail_rate"),
    /** Learners enrolled in the course in the run that computed this. */
    learners: integer("learners").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.organizationId, table.courseId] })],
);
