import type { Database } from "../client";

/** One step of a run, summed over its batches. */
export interface StepSummary {
  step: string;
  /** Batches that began (a row exists). */
  begun: number;
  completed: number;
  attempts: number;
  failed: boolean;
  /** The error of the first failed batch. */
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Per service: learners it answered and failed for, summed over the completed collect batches. */
export interface SourceSummary {
  service: string;
  ok: number;
  failed: number;
  lastError: string | null;
}

/** The raw driver returns timestamps as text (drizzle's columns parse them; a raw query does not). */
const instant = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(String(value)));

/**
 * A run's progress summed in SQL, so reading it costs the same at 1 batch or 1,000 (a run of
 * 10,000 learners has 2,000 step rows, about 2 MB of detail, which a polled status read must not
 * fetch). Two statements in one round trip.
 */
export async function runProgress(db: Database, runId: string): Promise<{ steps: StepSummary[]; sources: SourceSummary[] }> {
  const [steps, sources] = (await db.sql.transaction([
    db.sql.query(
      `select step, count(*)::int as begun, (count(*) filter (where status = 'completed'))::int as completed,
              sum(attempts)::int as attempts, bool_or(status = 'failed') as failed,
              (array_agg(error order by batch) filter (where status = 'failed'))[1] as error,
              min(started_at) as started_at, max(finished_at) as finished_at
       from pipeline_steps where run_id = $1 group by step`,
      [runId],
    ),
    db.sql.query(
      `select source.key as service, sum((source.value->>'ok')::int)::int as ok, sum((source.value->>'failed')::int)::int as failed,
              (array_agg(source.value->>'lastError' order by s.batch desc) filter (where source.value ? 'lastError'))[1] as last_error
       from pipeline_steps s, jsonb_each(s.detail->'sources') source
       where s.run_id = $1 and s.step = 'collect' and s.status = 'completed'
       group by source.key`,
      [runId],
    ),
  ])) as [Record<string, unknown>[], Record<string, unknown>[]];
  return {
    steps: steps.map((row) => ({
      step: String(row.step),
      begun: Number(row.begun),
      completed: Number(row.completed),
      attempts: Number(row.attempts),
      failed: row.failed === true,
      error: (row.error as string | null) ?? null,
      startedAt: instant(row.started_at),
      finishedAt: instant(row.finished_at),
    })),
    sources: sources.map((row) => ({
      service: String(row.service),
      ok: Number(row.ok),
      failed: Number(row.failed),
      lastError: (row.last_error as string | null) ?? null,
    })),
  };
}
