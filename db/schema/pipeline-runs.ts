import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const runScope = pgEnum("run_scope", ["user", "course", "organization", "nightly"]);
export const runStatus = pgEnum("run_status", ["queued", "running", "completed", "failed"]);

/** State of one stage of a run, keyed by stage name in `stages`. */
export interface StageState {
  status: "pending" | "running" | "completed" | "failed";
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

/** One collect → analyze → aggregate run over a scope. */
export const pipelineRuns = pgTable(
  "pipeline_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    scope: runScope("scope").notNull(),
    /** The user, course or organisation the run is about; null for the nightly run. */
    scopeId: uuid("scope_id"),
    status: runStatus("status").notNull().default("queued"),
    stages: jsonb("stages").$type<Record<string, StageState>>().notNull().default({}),
    /** Which upstream services answered, and which were missing, e.g. `{ "assessment": "ok", "devLab": "timeout" }`. */
    sourceCoverage: jsonb("source_coverage").$type<Record<string, string>>().notNull().default({}),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [
    index("pipeline_runs_scope_idx").on(table.scope, table.scopeId, table.status),
    index("pipeline_runs_organization_created_idx").on(table.organizationId, table.createdAt),
  ],
);
