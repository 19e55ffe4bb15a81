import { integer, pgTable, primaryKey, uuid } from "drizzle-orm/pg-core";
import { pipelineRuns } from "./pipeline-runs";

/**
 * Which learners each batch of a run covers, fixed by the plan step (one set-based insert): every
 * later step of the batch reads exactly these, so a roster change mid-run neither skips nor
 * repeats anyone. No foreign key to users: a learner removed mid-run simply has no data left.
 */
export const runLearners = pgTable(
  "run_learners",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => pipelineRuns.id, { onDelete: "cascade" }),
    batch: integer("batch").notNull(),
    userId: uuid("user_id").notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.batch, table.userId] })],
);
