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

/** Stores what sources answered; a redelivered collect step overwrites its own rows, adding none. */
export async function upsertSnapshots(db: Database, rows: SnapshotRow[]): Promise<void> {
  if (rows.length === 0) return;
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
