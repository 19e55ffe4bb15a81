import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { runLearners } from "../schema";
import type { RunScope } from "./runs";

interface ScopedRun {
  id: string;
  scope: RunScope;
  scopeId: string | null;
  organizationId: string | null;
}

/** The learners a run covers, as SQL (each branch an index range: users by (organization, role, id), enrolments by course). */
function learnersInScope(run: ScopedRun) {
  switch (run.scope) {
    case "user":
      return sql`select id as user_id from users where id = ${run.scopeId} and organization_id = ${run.organizationId}`;
    case "course":
      return sql`select distinct u.id as user_id from enrolments e join users u on u.id = e.user_id
        where e.course_id = ${run.scopeId} and u.organization_id = ${run.organizationId}`;
    case "organization":
      return sql`select id as user_id from users where organization_id = ${run.organizationId} and role = 'learner'`;
    case "nightly":
      throw new Error("the nightly run has no learners of its own");
  }
}

/**
 * Fixes a run's batches: every learner in scope now, numbered in id order and cut into batches of
 * `size`, stored in one set-based statement (no learner id travels to the Worker). Only the first
 * call stores anything: a redelivered plan step finds the batches fixed and keeps them, even if
 * the roster changed meanwhile (renumbering would move learners between batches already run).
 * The advisory lock makes two concurrent deliveries take turns. Returns the learners and batches.
 */
export async function fixBatches(db: Database, run: ScopedRun, size: number): Promise<{ learners: number; batches: number }> {
  await db.orm.batch([
    db.orm.execute(sql`select pg_advisory_xact_lock(hashtextextended(${run.id}::text, 0))`),
    db.orm.execute(sql`
      insert into run_learners (run_id, batch, user_id)
      select ${run.id}::uuid, ((row_number() over (order by user_id)) - 1) / ${size}::int, user_id
      from (${learnersInScope(run)}) scoped
      where not exists (select 1 from run_learners where run_id = ${run.id})`),
  ]);
  const [row] = await db.orm
    .select({ learners: sql<number>`count(*)::int`, batches: sql<number>`coalesce(max(${runLearners.batch}) + 1, 0)::int` })
    .from(runLearners)
    .where(eq(runLearners.runId, run.id));
  return { learners: row?.learners ?? 0, batches: row?.batches ?? 0 };
}

/** The learners of one batch of a run, as fixed by the plan step (a primary-key range read). */
export async function batchLearners(db: Database, runId: string, batch: number): Promise<string[]> {
  const rows = await db.orm
    .select({ userId: runLearners.userId })
    .from(runLearners)
    .where(and(eq(runLearners.runId, runId), eq(runLearners.batch, batch)))
    .orderBy(asc(runLearners.userId));
  return rows.map((row) => row.userId);
}
