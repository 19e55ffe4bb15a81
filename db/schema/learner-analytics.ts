import { index, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { pipelineRuns } from "./pipeline-runs";
import { users } from "./users";

/** Storage layer 2: one learner's computed analytics from one run. Personal data: kept 7 days. */
export const learnerAnalytics = pgTable(
  "learner_analytics",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => pipelineRuns.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    metrics: jsonb("metrics").notNull(),
    /** SHA-256 of the metrics: a run that changes nothing for a learner invalidates none of their cache. */
    metricsHash: text("metrics_hash").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    unique("learner_analytics_run_user_key").on(table.runId, table.userId),
    index("learner_analytics_user_computed_idx").on(table.userId, table.computedAt),
    index("learner_analytics_expires_idx").on(table.expiresAt),
    // The aggregate step reads the latest row of each learner of one organisation.
    index("learner_analytics_organization_user_computed_idx").on(table.organizationId, table.userId, table.computedAt),
  ],
);
