import type pg from "pg";
import type { NeonHttpStats } from "../../dev/neon-http/stats";
import type { QStashStats } from "../../dev/qstash/stats";

/** What a stand-in's `GET /__stats` answers; `DELETE` starts counting afresh. */
export async function readStats<T extends NeonHttpStats | QStashStats>(baseUrl: string): Promise<T> {
  const response = await fetch(`${baseUrl}/__stats`);
  if (!response.ok) throw new Error(`${baseUrl}/__stats answered ${response.status}`);
  return (await response.json()) as T;
}

export async function resetStats(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/__stats`, { method: "DELETE" });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`DELETE ${baseUrl}/__stats answered ${response.status}`);
}

/** The p-th percentile (nearest rank) of some durations, in whole ms; 0 of none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return Math.round(sorted[rank - 1] ?? 0);
}

/** p50 and max of each step's successful deliveries, in ms. */
export function stepDurations(stats: QStashStats): Record<string, { p50: number; max: number; count: number }> {
  return Object.fromEntries(
    Object.entries(stats.steps)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([step, { count, durationsMs }]) => [step, { p50: percentile(durationsMs, 50), max: percentile(durationsMs, 100), count }]),
  );
}

/** Delivery attempts that did not succeed (each was retried, or ended in the failure callback). */
export const failedAttempts = (stats: QStashStats) =>
  Object.values(stats.steps).reduce((n, step) => n + step.count - step.durationsMs.length, 0);

export interface RunRow {
  id: string;
  status: string;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const FINISHED = new Set(["completed", "partial", "failed"]);

/** The nightly run, once it exists. */
export async function nightlyRun(client: pg.Client): Promise<RunRow | undefined> {
  const { rows } = await client.query(
    `select id, status, error, created_at as "createdAt", finished_at as "finishedAt"
       from pipeline_runs where scope = 'nightly' order by created_at desc limit 1`,
  );
  return rows[0];
}

/** An organisation's run under the nightly run. */
export async function organizationRun(client: pg.Client, nightlyId: string, organizationId: string): Promise<RunRow | undefined> {
  const { rows } = await client.query(
    `select id, status, error, created_at as "createdAt", finished_at as "finishedAt"
       from pipeline_runs where parent_run_id = $1 and organization_id = $2`,
    [nightlyId, organizationId],
  );
  return rows[0];
}

export const isFinished = (run: RunRow | undefined) => run !== undefined && FINISHED.has(run.status);

/** Learners of a run with analytics written. */
export async function analysedLearners(client: pg.Client, runId: string): Promise<number> {
  const { rows } = await client.query("select count(distinct user_id)::int as n from learner_analytics where run_id = $1", [runId]);
  return rows[0].n;
}

/**
 * Storage layer 2 a run left: the stored size (pg_column_size, after Postgres's compression) of
 * its source snapshots' payloads and its learner analytics' metrics.
 */
export async function layer2Bytes(client: pg.Client, runId: string): Promise<{ snapshots: number; analytics: number }> {
  const { rows } = await client.query(
    `select (select coalesce(sum(pg_column_size(payload)), 0) from source_snapshots where run_id = $1)::bigint as snapshots,
            (select coalesce(sum(pg_column_size(metrics)), 0) from learner_analytics where run_id = $1)::bigint as analytics`,
    [runId],
  );
  return { snapshots: Number(rows[0].snapshots), analytics: Number(rows[0].analytics) };
}
