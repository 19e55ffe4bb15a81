import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { pipelineRuns } from "./pipeline-runs";

export const aggregateLevel = pgEnum("aggregate_level", ["course", "department", "organization"]);

/**
 * Storage layer 3: course, department and organisation figures with no personal identifiers.
 * Kept 7 years. `groupSize` is stored so readers can refuse groups below the minimum.
 */
export const aggregateMetrics = pgTable(
  "aggregate_metrics",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    runId: uuid("run_id").references(() => pipelineRuns.id, { onDelete: "set null" }),
    level: aggregateLevel("level").notNull(),
    /** Course id, department name, or the organisation id, depending on `level`. */
    groupKey: text("group_key").notNull(),
    /** The day the figures describe (UTC), so trends are a range scan. */
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    groupSize: integer("group_size").notNull(),
    metrics: jsonb("metrics").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    unique("aggregate_metrics_group_period_key").on(table.organizationId, table.level, table.groupKey, table.periodStart),
    index("aggregate_metrics_expires_idx").on(table.expiresAt),
    // Deleting a run sets its aggregates' run_id to null: without this each delete scans the 7-year table.
    index("aggregate_metrics_run_idx").on(table.runId),
  ],
);
