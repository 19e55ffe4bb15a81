import { integer, pgTable, primaryKey, uuid } from "drizzle-orm/pg-core";
import { bytea } from "./bytea";
import { reports } from "./reports";

/**
 * A report file in pieces small enough for one SQL-over-HTTP message each (Neon refuses requests
 * and responses over 10 MiB, and bytea travels as hex, twice its size): written one chunk per
 * statement and streamed back one chunk per query.
 */
export const reportChunks = pgTable(
  "report_chunks",
  {
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    bytes: bytea("bytes").notNull(),
  },
  (table) => [primaryKey({ columns: [table.reportId, table.seq] })],
);
