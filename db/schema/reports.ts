import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { REPORT_FORMATS, REPORT_TYPES } from "../../core/domain/reports";
import { bytea } from "./bytea";
import { organizations } from "./organizations";
import { users } from "./users";

export const reportType = pgEnum("report_type", REPORT_TYPES);
export const reportFormat = pgEnum("report_format", REPORT_FORMATS);
export const reportStatus = pgEnum("report_status", ["queued", "rendering", "ready", "failed"]);

/**
 * A generated report and, once ready, its file's metadata (the file is in `report_chunks`); kept
 * until `expiresAt`, then removed by the clean-up with its pieces.
 */
export const reports = pgTable(
  "reports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    requestedBy: uuid("requested_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: reportType("type").notNull(),
    format: reportFormat("format").notNull(),
    /** "user", "course" or "organization", and its id. */
    scopeType: text("scope_type").notNull(),
    scopeId: uuid("scope_id").notNull(),
    timeRange: text("time_range").notNull(),
    /** Same requester, type, format, scope and range: an identical request while pending joins it. */
    requestKey: text("request_key").notNull(),
    status: reportStatus("status").notNull().default("queued"),
    error: text("error"),
    /** The file of a report made before files were stored in pieces (report_chunks); no longer written. */
    content: bytea("content"),
    contentType: text("content_type"),
    fileName: text("file_name"),
    size: integer("size"),
    sha256: text("sha256"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex("reports_one_pending_per_request").on(table.requestKey).where(sql`status in ('queued', 'rendering')`),
    index("reports_organization_created_idx").on(table.organizationId, table.createdAt),
    index("reports_requested_by_created_idx").on(table.requestedBy, table.createdAt),
    index("reports_expires_idx").on(table.expiresAt),
  ],
);
