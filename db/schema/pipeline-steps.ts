import { integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { pipelineRuns } from "./pipeline-runs";

export const stepStatus = pgEnum("step_status", ["running", "completed", "failed"]);

/**
 * One delivery unit of a run: (run, step, batch). A step that finds its row completed does no
 * work again (a redelivered message), and the fan-in counts completed rows to start the next stage.
 */
export const pipelineSteps = pgTable(
  "pipeline_steps",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => pipelineRuns.id, { onDelete: "cascade" }),
    step: text("step").notNull(),
    batch: integer("batch").notNull(),
    status: stepStatus("status").notNull(),
    attempts: integer("attempts").notNull().default(1),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    error: text("error"),
    /** What the step found, e.g. a collect step's answers per source: `{ "assessment": { "ok": 9, "failed": 1, "lastError": "timeout" } }`. */
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.step, table.batch] })],
);
