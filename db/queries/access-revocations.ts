import { and, eq, gt, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import { accessRevocations } from "../schema";

export type RevocationKind = (typeof accessRevocations.$inferSelect)["kind"];

/** What a revocation blocks: one access token (by jti) or every token of a session. */
export interface RevokedSubject {
  kind: RevocationKind;
  subjectId: string;
}

export interface Revocation extends RevokedSubject {
  /** When the last token it blocks expires: the record may go after that. */
  expiresAt: Date;
}

/** Records revocations; one recorded twice keeps the later expiry. */
export async function recordRevocations(db: Database, revocations: Revocation[]): Promise<void> {
  if (revocations.length === 0) return;
  await db.orm
    .insert(accessRevocations)
    .values(revocations)
    .onConflictDoUpdate({
      target: [accessRevocations.kind, accessRevocations.subjectId],
      set: { expiresAt: sql`greatest(${accessRevocations.expiresAt}, excluded.expires_at)` },
    });
}

/** Is any of these subjects revoked (and the revocation still in force)? */
export async function anyRevoked(db: Database, subjects: RevokedSubject[]): Promise<boolean> {
  if (subjects.length === 0) return false;
  const rows = await db.orm
    .select({ kind: accessRevocations.kind })
    .from(accessRevocations)
    .where(
      and(
        or(...subjects.map((subject) => and(eq(accessRevocations.kind, subject.kind), eq(accessRevocations.subjectId, subject.subjectId)))),
        gt(accessRevocations.expiresAt, sql`now()`),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Every revocation still in force (they live one access-token lifetime, so these are few). */
export async function liveRevocations(db: Database, now: Date, limit: number): Promise<Revocation[]> {
  return db.orm
    .select({ kind: accessRevocations.kind, subjectId: accessRevocations.subjectId, expiresAt: accessRevocations.expiresAt })
    .from(accessRevocations)
    .where(gt(accessRevocations.expiresAt, now))
    .orderBy(accessRevocations.expiresAt)
    .limit(limit);
}
