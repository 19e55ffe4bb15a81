import { and, count, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client";
import { pipelineRuns, pipelineSteps } from "../schema";

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

/** How long a run may go without progress before it is expired: by the next request for its scope, or by the clean-up's sweep. */
export interface StuckLimits {
  /** A queued run none of whose steps has begun this long after it was created never started: its start message was lost. */
  startSeconds: number;
  /** A run none of whose steps began or ended for this long has stalled (its messages were lost mid-run). */
  stallSeconds: number;
}

/** A run that `queueRun` or the clean-up's sweep expired: marked failed with `error`. */
export interface ExpiredRun {
  id: string;
  parentRunId: string | null;
  error: string;
}

/** The last time any step of the run began or ended (null before its first step). */
const lastStepActivity = sql<Date | null>`(select max(greatest(${pipelineSteps.startedAt}, ${pipelineSteps.finishedAt}))
  from ${pipelineSteps} where ${pipelineSteps.runId} = ${pipelineRuns.id})`;

/** A queued run none of whose steps has begun: its start (plan) message has not arrived. */
const neverStarted = sql`${pipelineRuns.status} = 'queued' and ${lastStepActivity} is null`;

/**
 * The unfinished runs that will never finish by themselves: a queued run whose first step has not
 * begun `startSeconds` after it was queued, and a run (queued or running) none of whose steps began
 * or ended for `stallSeconds`. Times are the database's (`now()`), as are the run's and its steps'.
 */
const stuckRuns = (limits: StuckLimits) =>
  sql`${pipelineRuns.status} in ('queued', 'running')
    and ((${neverStarted} and ${pipelineRuns.createdAt} < now() - make_interval(secs => ${limits.startSeconds}))
      or (not (${neverStarted}) and greatest(${pipelineRuns.createdAt}, ${pipelineRuns.startedAt}, ${lastStepActivity})
        < now() - make_interval(secs => ${limits.stallSeconds})))`;

/** Marks failed the runs `where` selects, saying why; conditional on the row, so a run is expired once. */
function expire(db: Database, where: SQL, limits: StuckLimits) {
  return db.orm
    .update(pipelineRuns)
    .set({
      status: "failed",
      finishedAt: sql`now()`,
      error: sql`case when ${neverStarted}
        then ${`never started: its start message was lost (not started ${limits.startSeconds} s after it was queued)`}::text
        else ${`stalled: no step started or finished for ${limits.stallSeconds} s (its step messages were lost)`}::text end`,
    })
    .where(where)
    .returning({ id: pipelineRuns.id, parentRunId: pipelineRuns.parentRunId, error: pipelineRuns.error });
}

/**
 * Marks failed the stuck runs of a scope (see `stuckRuns`). Conditional on the row's status, so a run
 * that starts or finishes meanwhile is left alone, and two requests cannot expire the same run twice.
 */
function expireStuck(db: Database, scope: RunScope, scopeId: string, limits: StuckLimits) {
  return expire(db, sql`${pipelineRuns.scope} = ${scope} and ${pipelineRuns.scopeId} = ${scopeId} and ${stuckRuns(limits)}`, limits);
}

/**
 * The clean-up's sweep: marks failed at most `limit` stuck runs of any scope (see `stuckRuns`), so a
 * scope nobody requests again, and a nightly run waiting on a lost organisation run, still end.
 * A nightly run that is running has queued all its organisation runs and has no steps of its own
 * left: it ends when they do (see `settleParents`), never by its own silence. The condition is
 * repeated outside the bounded sub-select, so a run that moved on meanwhile is re-checked and kept.
 */
export async function expireStuckRuns(db: Database, limits: StuckLimits, limit: number): Promise<ExpiredRun[]> {
  const sweepable = sql`${stuckRuns(limits)} and not (${pipelineRuns.scope} = 'nightly' and ${pipelineRuns.status} = 'running')`;
  const batch = db.orm.select({ id: pipelineRuns.id }).from(pipelineRuns).where(sweepable).limit(limit);
  const gone = await expire(db, sql`${inArray(pipelineRuns.id, batch)} and ${sweepable}`, limits);
  return gone.map(({ id, parentRunId, error }) => ({ id, parentRunId, error: error ?? "expired" }));
}

/**
 * Queues a run, or joins the run already queued for the same scope (a partial unique index
 * allows one queued run per scope, so concurrent requests cannot create two).
 *
 * With `stuck` limits, runs of the scope that will never finish (see `expireStuck`) are first
 * marked failed, in the same transaction as the insert: the request that finds a stuck queued run
 * starts a new one instead of joining it, and concurrent requests still create only one (the
 * later ones wait on the expired row, then conflict with the new run and join it).
 */
export async function queueRun(
  db: Database,
  run: NewRun,
  stuck?: StuckLimits,
): Promise<{ id: string; joined: boolean; expired: ExpiredRun[] }> {
  const insert = db.orm
    .insert(pipelineRuns)
    .values({ ...run, status: "queued" })
    .onConflictDoNothing()
    .returning({ id: pipelineRuns.id });
  const queued = db.orm
    .select({ id: pipelineRuns.id })
    .from(pipelineRuns)
    .where(
      run.id
        ? eq(pipelineRuns.id, run.id)
        : and(eq(pipelineRuns.scope, run.scope), eq(pipelineRuns.scopeId, run.scopeId!), eq(pipelineRuns.status, "queued")),
    )
    .limit(1);
  const expired: ExpiredRun[] = [];
  // The queued run joined can start (or be expired) between the insert and the select: then try again.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let created: { id: string } | undefined;
    let existing: { id: string } | undefined;
    if (stuck && run.scopeId) {
      const [gone, inserted, found] = await db.orm.batch([expireStuck(db, run.scope, run.scopeId, stuck), insert, queued]);
      for (const { id, parentRunId, error } of gone) expired.push({ id, parentRunId, error: error ?? "expired" });
      [created, existing] = [inserted[0], found[0]];
    } else {
      const [inserted, found] = await db.orm.batch([insert, queued]);
      [created, existing] = [inserted[0], found[0]];
    }
    if (created) return { id: created.id, joined: false, expired };
    if (existing) return { id: existing.id, joined: true, expired };
  }
  throw new Error(`run for ${run.scope} ${run.scopeId} vanished while joining it`);
}

/** A run that completed, partly completed or failed takes no more steps (late or redelivered messages end here). */
export const isFinished = (run: { status: string }) => run.status === "completed" || run.status === "partial" || run.status === "failed";

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
 * Records that a step starts. Returns false when the same (run, step, batch) already completed
 * (the message is a redelivery and its work must not run again) or when the run has finished
 * (completed, failed, or expired as stuck): a late message for it must not do its work.
 */
export async function beginStep(db: Database, runId: string, step: string, batch: number): Promise<boolean> {
  const rows = await db.orm.execute(sql`
    insert into ${pipelineSteps} (run_id, step, batch, status)
    select ${pipelineRuns.id}, ${step}::text, ${batch}::int, 'running'::step_status from ${pipelineRuns}
    where ${pipelineRuns.id} = ${runId} and ${pipelineRuns.status} in ('queued', 'running')
    on conflict (run_id, step, batch) do update
      set status = 'running', attempts = ${pipelineSteps.attempts} + 1, started_at = now(), error = null
      where ${pipelineSteps.status} <> 'completed'
    returning 1`);
  return rows.rows.length > 0;
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

export async function findStep(db: Database, runId: string, step: string, batch: number) {
  const [row] = await db.orm
    .select()
    .from(pipelineSteps)
    .where(and(eq(pipelineSteps.runId, runId), eq(pipelineSteps.step, step), eq(pipelineSteps.batch, batch)))
    .limit(1);
  return row;
}

/**
 * The learners whose figures changed in a run, as its analyze steps recorded them: extracted in
 * SQL, so only the ids travel (not every step's detail, about 1 KB per batch).
 */
export async function changedLearnersOf(db: Database, runId: string): Promise<string[]> {
  const rows = (await db.sql.query(
    `select distinct jsonb_array_elements_text(detail->'changedLearners') as user_id
     from pipeline_steps where run_id = $1 and step = 'analyze' and status = 'completed'`,
    [runId],
  )) as { user_id: string }[];
  return rows.map((row) => row.user_id);
}
