import { integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A customer organisation. Every other row belongs to exactly one. */
export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey().defaultRandom(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  /** Aggregates over fewer people than this are never shown (re-identification risk). */
  minGroupSize: integer("min_group_size").notNull().default(5),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
