import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../client";
import { sourceSnapshots } from "../schema";

export interface SnapshotRow {
  runId: string;
  organizationId: string;
  service: string;
  subject: string;
  payload: unknown;
  expiresAt: Date;
}

/**
 * Payload bytes (as JSON) per insert statement: Neon takes at most 10 MiB per HTTP request, and a
 * batch of learners' snapshots can exceed that; 4 MiB leaves room for the statement's other columns.
 */
const MAX_INSERT_BYTES = 4 * 1024 * 1024;
const utf8 = new TextEncoder();

/**
 * Stores what sources answered, in statements of at most `maxInsertBytes` of payload (one row
 * larger than that goes alone); a redelivered collect step overwrites its own rows, adding none.
 */
export async function upsertSnapshots(db: Database, rows: SnapshotRow[], maxInsertBytes = MAX_INSERT_BYTES): Promise<void> {
  let chunk: SnapshotRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = utf8.encode(JSON.stringify(row.payload)).length;
    if (chunk.length > 0 && bytes + size > maxInsertBytes) {
      await insertSnapshots(db, chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) await insertSnapshots(db, chunk);
}

async function insertSnapshots(db: Database, rows: SnapshotRow[]): Promise<void> {
  await db.orm
    .insert(sourceSnapshots)
    .values(rows)
    .onConflictDoUpdate({
      target: [sourceSnapshots.runId, sourceSnapshots.service, sourceSnapshots.subject],
      set: { payload: sql`excluded.payload`, collectedAt: sql`now()`, expiresAt: sql`excluded.expires_at` },
    });
}

export const learnerSubject = (userId: string) => `user:${userId}`;

/** The snapshots of a run for some learners. */
export async function snapshotsOf(db: Database, runId: string, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db.orm
    .select({ service: sourceSnapshots.service, subject: sourceSnapshots.subject, payload: sourceSnapshots.payload })
    .from(sourceSnapshots)
    .where(and(eq(sourceSnapshots.runId, runId), inArray(sourceSnapshots.subject, userIds.map(learnerSubject))));
}

/** Snapshot rows one statement deletes: bounds each statement's work (a run of 10,000 learners has 90,000). */
export const SNAPSHOT_DELETE_CHUNK = 10_000;

/**
 * Deletes a finished run's snapshots, in statements of at most SNAPSHOT_DELETE_CHUNK rows. The raw
 * payloads are needed only while the run analyses them; its learner analytics are what is kept.
 * Returns how many rows were deleted.
 */
export async function deleteRunSnapshots(db: Database, runId: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await db.sql.query(
      `delete from source_snapshots where id in (select id from source_snapshots where run_id = $1 limit $2) returning 1`,
      [runId, SNAPSHOT_DELETE_CHUNK],
    );
    deleted += rows.length;
    if (rows.length < SNAPSHOT_DELETE_CHUNK) return deleted;
  }
}
