import { sql } from "drizzle-orm";
import { type AnyPgColumn, boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const runScope = pgEnum("run_scope", ["user", "course", "organization", "nightly"]);
/** `partial`: a nightly run some of whose organisation runs failed (the others completed). */
export const runStatus = pgEnum("run_status", ["queued", "running", "completed", "partial", "failed"]);

/**
 * One collect → analyze → aggregate run over a scope. Stage states, attempts and source coverage
 * are not stored here: they are read off the run's `pipeline_steps`, the one record of what ran.
 */
export const pipelineRuns = pgTable(
  "pipeline_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    scope: runScope("scope").notNull(),
    /** The user, course or organisation the run is about; null for the nightly run. */
    scopeId: uuid("scope_id"),
    /** The nightly run an organisation run belongs to. */
    parentRunId: uuid("parent_run_id").references((): AnyPgColumn => pipelineRuns.id, { onDelete: "cascade" }),
    /** Nightly organisation runs also refit the per-skill mastery models. */
    fitModels: boolean("fit_models").notNull().default(false),
    /** How many learner batches the collect and analyze stages fan out to (set by the plan step). */
    batchCount: integer("batch_count"),
    status: runStatus("status").notNull().default("queued"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [
    index("pipeline_runs_scope_idx").on(table.scope, table.scopeId, table.status),
    // At most one queued run per scope: refresh requests and webhook pings join it.
    uniqueIndex("pipeline_runs_one_queued_per_scope").on(table.scope, table.scopeId).where(sql`status = 'queued' and scope <> 'nightly'`),
    index("pipeline_runs_organization_created_idx").on(table.organizationId, table.createdAt),
    // A nightly run settles when its last child finishes: its children are looked up by parent.
    index("pipeline_runs_parent_idx").on(table.parentRunId),
    // The hourly sweep looks for stuck runs among the unfinished ones only, not 30 days of history.
    index("pipeline_runs_unfinished_idx").on(table.createdAt).where(sql`status in ('queued', 'running')`),
  ],
);
