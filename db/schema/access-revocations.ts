import { index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Revoked access tokens (`token`, by jti) and login sessions (`session`, by refresh family), kept
 * until every token they block has expired. Postgres is the record: Redis holds a copy for the
 * per-request check, and is read from here again when it cannot answer or has lost its copy.
 */
export const accessRevocations = pgTable(
  "access_revocations",
  {
    kind: text("kind", { enum: ["token", "session"] }).notNull(),
    subjectId: text("subject_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.kind, table.subjectId] }), index("access_revocations_expires_idx").on(table.expiresAt)],
);
