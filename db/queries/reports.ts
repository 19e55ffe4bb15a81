import { and, desc, eq, gt, gte, lt, ne, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client";
import { reports } from "../schema";

export type NewReport = Pick<
  typeof reports.$inferInsert,
  "organizationId" | "requestedBy" | "type" | "format" | "scopeType" | "scopeId" | "timeRange" | "requestKey" | "expiresAt"
>;

export type JoinedStatus = (typeof reports.$inferSelect)["status"];

/**
 * An identical report (same request key) that answers a request: one still pending, or one ready
 * since `reuseSince` and not expired (a recent ready report is answered again rather than built
 * and stored once more).
 */
export async function findIdenticalReport(
  db: Database,
  requestKey: string,
  reuseSince: Date,
): Promise<{ id: string; status: JoinedStatus } | undefined> {
  const [found] = await db.orm
    .select({ id: reports.id, status: reports.status })
    .from(reports)
    .where(
      and(
        eq(reports.requestKey, requestKey),
        or(
          sql`${reports.status} in ('queued', 'rendering')`,
          and(eq(reports.status, "ready"), gte(reports.createdAt, reuseSince), gt(reports.expiresAt, sql`now()`)),
        ),
      ),
    )
    .orderBy(desc(reports.createdAt))
    .limit(1);
  return found;
}

/** Creates a report, or joins the identical one a concurrent request has just made pending (one pending per request key). */
export async function createOrJoinReport(
  db: Database,
  report: NewReport,
  reuseSince: Date,
): Promise<{ id: string; status: JoinedStatus; joined: boolean }> {
  const [created] = await db.orm.insert(reports).values(report).onConflictDoNothing().returning({ id: reports.id, status: reports.status });
  if (created) return { ...created, joined: false };
  const pending = await findIdenticalReport(db, report.requestKey, reuseSince);
  if (!pending) throw new Error("the pending report vanished while joining it");
  return { ...pending, joined: true };
}

/** How many reports a user holds (not failed, not expired) and when the first of them expires. */
export async function storedReports(db: Database, requestedBy: string): Promise<{ stored: number; nextExpiry: Date | null }> {
  const [row] = await db.orm
    .select({ stored: sql<number>`count(*)::int`, nextExpiry: sql<Date | null>`min(${reports.expiresAt})`.mapWith(reports.expiresAt) })
    .from(reports)
    .where(and(eq(reports.requestedBy, requestedBy), ne(reports.status, "failed"), gt(reports.expiresAt, sql`now()`)));
  return { stored: row?.stored ?? 0, nextExpiry: row?.nextExpiry ?? null };
}

/** What a report was asked for: the render step's input. */
const requested = {
  id: reports.id,
  organizationId: reports.organizationId,
  requestedBy: reports.requestedBy,
  type: reports.type,
  format: reports.format,
  scopeType: reports.scopeType,
  scopeId: reports.scopeId,
  timeRange: reports.timeRange,
};

const metadata = {
  ...requested,
  status: reports.status,
  error: reports.error,
  contentType: reports.contentType,
  fileName: reports.fileName,
  size: reports.size,
  sha256: reports.sha256,
  createdAt: reports.createdAt,
  readyAt: reports.readyAt,
  expiresAt: reports.expiresAt,
};

async function oneReport(db: Database, where: SQL | undefined) {
  const [row] = await db.orm.select(metadata).from(reports).where(where).limit(1);
  return row;
}

/** A report's metadata (never its file), within one organisation. */
export const findReport = (db: Database, id: string, organizationId: string) =>
  oneReport(db, and(eq(reports.id, id), eq(reports.organizationId, organizationId)));

/** A report's metadata by id alone: the signed file route learns the organisation from it, to check the signature. */
export const findReportForFile = (db: Database, id: string) => oneReport(db, eq(reports.id, id));

/**
 * The file of a report stored before files were kept in pieces (`report_chunks`): in the row
 * itself. Such reports are removed REPORT_RETENTION_DAYS after they were made; nothing writes here now.
 */
export async function legacyReportContent(db: Database, id: string): Promise<Uint8Array | undefined> {
  const [row] = await db.orm
    .select({ content: reports.content })
    .from(reports)
    .where(and(eq(reports.id, id), eq(reports.status, "ready")))
    .limit(1);
  return row?.content ?? undefined;
}

export interface HistoryFilter {
  organizationId: string;
  requestedBy?: string;
  type?: (typeof reports.$inferSelect)["type"];
  status?: (typeof reports.$inferSelect)["status"];
  limit: number;
  /** Keyset position: (createdAt, id) of the last row of the previous page. */
  after?: { createdAt: Date; id: string };
}

/** Newest first, in pages that never overlap or skip (keyset on created_at, id). */
export async function reportHistory(db: Database, filter: HistoryFilter) {
  return db.orm
    .select(metadata)
    .from(reports)
    .where(
      and(
        eq(reports.organizationId, filter.organizationId),
        filter.requestedBy ? eq(reports.requestedBy, filter.requestedBy) : undefined,
        filter.type ? eq(reports.type, filter.type) : undefined,
        filter.status ? eq(reports.status, filter.status) : undefined,
        filter.after
          ? or(
              lt(reports.createdAt, filter.after.createdAt),
              and(eq(reports.createdAt, filter.after.createdAt), lt(reports.id, filter.after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(reports.createdAt), desc(reports.id))
    .limit(filter.limit);
}

/** Marks a report rendering unless it is already ready (a redelivered render step does nothing). */
export async function claimReport(db: Database, id: string) {
  const [row] = await db.orm
    .update(reports)
    .set({ status: "rendering" })
    .where(and(eq(reports.id, id), sql`${reports.status} in ('queued', 'rendering', 'failed')`))
    .returning(requested);
  return row;
}

export async function failReport(db: Database, id: string, error: string): Promise<void> {
  await db.orm
    .update(reports)
    .set({ status: "failed", error })
    .where(and(eq(reports.id, id), sql`${reports.status} <> 'ready'`));
}
