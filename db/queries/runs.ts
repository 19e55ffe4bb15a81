import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { enrolments, pipelineRuns, pipelineSteps, users } from "../schema";

export type RunScope = "user" | "course" | "organization" | "nightly";

export interface NewRun {
  organizationId: string | null;
  scope: RunScope;
  scopeId: string | null;
  parentRunId?: string;
  fitModels?: boolean;
  /** A fixed id makes creating the run idempotent (the nightly run is keyed by its date). */
  id?: string;
}

/**
 * Queues a run, or joins the run already queued for the same scope (a partial unique index
 * allows one queued run per scope, so concurrent requests cannot create two).
 */
export async function queueRun(db: Database, run: NewRun): Promise<{ id: string; joined: boolean }> {
  const [created] = await db.orm
    .insert(pipelineRuns)
    .values({ ...run, status: "queued" })
    .onConflictDoNothing()
    .returning({ id: pipelineRuns.id });
  if (created) return { id: created.id, joined: false };
  const [existing] = await db.orm
    .select({ id: pipelineRuns.id })
    .from(pipelineRuns)
    .where(
      run.id
        ? eq(pipelineRuns.id, run.id)
        : and(eq(pipelineRuns.scope, run.scope), eq(pipelineRuns.scopeId, run.scopeId!), eq(pipelineRuns.status, "queued")),
    )
    .limit(1);
  if (!existing) throw new Error(`run for ${run.scope} ${run.scopeId} vanished while joining it`);
  return { id: existing.id, joined: true };
}

/** A run that completed or failed takes no more steps (late or redelivered messages end here). */
export const isFinished = (run: { status: string }) => run.status === "completed" || run.status === "failed";

export async function findRun(db: Database, runId: string) {
  const [run] = await db.orm.select().from(pipelineRuns).where(eq(pipelineRuns.id, runId)).limit(1);
  return run;
}

/** Moves a queued run to running with its batch count; a second call changes nothing. */
export async function startRun(db: Database, runId: string, batchCount: number): Promise<void> {
  await db.orm
    .update(pipelineRuns)
    .set({ status: "running", batchCount, startedAt: sql`coalesce(${pipelineRuns.startedAt}, now())` })
    .where(and(eq(pipelineRuns.id, runId), eq(pipelineRuns.status, "queued")));
}

/** Ends a run once; a finished run keeps its first outcome. */
export async function finishRun(db: Database, runId: string, status: "completed" | "failed", error?: string): Promise<void> {
  await db.orm
    .update(pipelineRuns)
    .set({ status, error: error ?? null, finishedAt: sql`now()` })
    .where(and(eq(pipelineRuns.id, runId), sql`${pipelineRuns.status} in ('queued', 'running')`));
}

/**
 * Records that a step starts. Returns false when the same (run, step, batch) already completed:
 * the message is a redelivery and its work must not run again.
 */
export async function beginStep(db: Database, runId: string, step: string, batch: number): Promise<boolean> {
  const [row] = await db.orm
    .insert(pipelineSteps)
    .values({ runId, step, batch, status: "running" })
    .onConflictDoUpdate({
      target: [pipelineSteps.runId, pipelineSteps.step, pipelineSteps.batch],
      set: { status: "running", attempts: sql`${pipelineSteps.attempts} + 1`, startedAt: sql`now()`, error: null },
      setWhere: sql`${pipelineSteps.status} <> 'completed'`,
    })
    .returning({ status: pipelineSteps.status });
  return row !== undefined;
}

export async function endStep(
  db: Database,
  runId: string,
  step: string,
  batch: number,
  outcome: { status: "completed"; detail?: Record<string, unknown> } | { status: "failed"; error: string },
): Promise<void> {
  await db.orm
    .update(pipelineSteps)
    .set({
      status: outcome.status,
      finishedAt: sql`now()`,
      ...(outcome.status === "completed" ? { detail: outcome.detail ?? null, error: null } : { error: outcome.error }),
    })
    .where(and(eq(pipelineSteps.runId, runId), eq(pipelineSteps.step, step), eq(pipelineSteps.batch, batch)));
}

export async function completedSteps(db: Database, runId: string, step: string): Promise<number> {
  const [row] = await db.orm
    .select({ n: count() })
    .from(pipelineSteps)
    .where(and(eq(pipelineSteps.runId, runId), eq(pipelineSteps.step, step), eq(pipelineSteps.status, "completed")));
  return row?.n ?? 0;
}

export async function stepsOfRun(db: Database, runId: string) {
  return db.orm
    .select()
    .from(pipelineSteps)
    .where(eq(pipelineSteps.runId, runId))
    .orderBy(asc(pipelineSteps.step), asc(pipelineSteps.batch));
}

/** The learners a run covers, in a stable order, so batch k is the same learners on every delivery. */
function learnersQuery(db: Database, run: { scope: RunScope; scopeId: string | null; organizationId: string | null }) {
  const base = db.orm.selectDistinct({ id: users.id }).from(users);
  switch (run.scope) {
    case "user":
      return base.where(and(eq(users.id, run.scopeId!), eq(users.organizationId, run.organizationId!)));
    case "course":
      return base
        .innerJoin(enrolments, eq(enrolments.userId, users.id))
        .where(and(eq(enrolments.courseId, run.scopeId!), eq(users.organizationId, run.organizationId!)));
    case "organization":
      return base.where(and(eq(users.organizationId, run.organizationId!), eq(users.role, "learner")));
    case "nightly":
      throw new Error("the nightly run has no learners of its own");
  }
}

export async function countLearners(db: Database, run: Parameters<typeof learnersQuery>[1]): Promise<number> {
  const [row] = await db.orm.select({ n: count() }).from(learnersQuery(db, run).as("learners"));
  return row?.n ?? 0;
}

export async function learnerBatch(db: Database, run: Parameters<typeof learnersQuery>[1], batch: number, size: number): Promise<string[]> {
  const rows = await learnersQuery(db, run)
    .orderBy(asc(users.id))
    .limit(size)
    .offset(batch * size);
  return rows.map((row) => row.id);
}

/** Organisation runs of a nightly run that have not finished yet. */
export async function unfinishedChildren(db: Database, parentRunId: string): Promise<number> {
  const [row] = await db.orm
    .select({ n: count() })
    .from(pipelineRuns)
    .where(and(eq(pipelineRuns.parentRunId, parentRunId), sql`${pipelineRuns.status} in ('queued', 'running')`));
  return row?.n ?? 0;
}

export async function findStep(db: Database, runId: string, step: string, batch: number) {
  const [row] = await db.orm
    .select()
    .from(pipelineSteps)
    .where(and(eq(pipelineSteps.runId, runId), eq(pipelineSteps.step, step), eq(pipelineSteps.batch, batch)))
    .limit(1);
  return row;
}
