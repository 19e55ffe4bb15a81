import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/** Knowledge-tracing parameters of one skill, fitted on an organisation's data by the nightly run. */
export const skillModels = pgTable(
  "skill_models",
  {
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    skillId: text("skill_id").notNull(),
    params: jsonb("params").notNull(),
    /** How many responses the fit saw: little data means parameters close to the defaults. */
    responses: integer("responses").notNull(),
    fittedAt: timestamp("fitted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.organizationId, table.skillId] })],
);
