import { index, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { pipelineRuns } from "./pipeline-runs";

/**
 * Storage layer 2: what one upstream service answered for one subject in one run, validated
 * against its contract. Personal data: kept 7 days (`expiresAt`).
 */
export const sourceSnapshots = pgTable(
  "source_snapshots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => pipelineRuns.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    service: text("service").notNull(),
    /** "user:<id>", "course:<id>" or "organization:<id>". */
    subject: text("subject").notNull(),
    payload: jsonb("payload").notNull(),
    collectedAt: timestamp("collected_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    // One row per (run, service, subject) is what makes a redelivered collect step idempotent.
    unique("source_snapshots_run_service_subject_key").on(table.runId, table.service, table.subject),
    index("source_snapshots_expires_idx").on(table.expiresAt),
  ],
);
