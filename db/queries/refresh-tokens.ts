import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../client";
import { refreshTokens } from "../schema";

export interface NewRefreshToken {
  familyId: string;
  userId: string;
  tokenHash: string;
  parentId?: string;
  expiresAt: Date;
}

export async function insertRefreshToken(db: Database, token: NewRefreshToken): Promise<void> {
  await db.orm.insert(refreshTokens).values(token);
}

/**
 * Marks a live token used and returns it, in one statement, so two concurrent refreshes with the
 * same token cannot both succeed: the second finds it used and is treated as reuse.
 */
export async function spendRefreshToken(db: Database, tokenHash: string) {
  const [row] = await db.orm
    .update(refreshTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(refreshTokens.tokenHash, tokenHash),
        isNull(refreshTokens.usedAt),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ id: refreshTokens.id, familyId: refreshTokens.familyId, userId: refreshTokens.userId });
  return row;
}

/** The family of a token that could not be spent (used, revoked or expired), if it exists. */
export async function findRefreshFamily(db: Database, tokenHash: string) {
  const [row] = await db.orm
    .select({ familyId: refreshTokens.familyId, usedAt: refreshTokens.usedAt })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

/** Revokes every token of a login session. */
export async function revokeRefreshFamily(db: Database, familyId: string): Promise<void> {
  await db.orm
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}
