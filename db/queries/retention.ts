import type { Database } from "../client";

/**
 * Each rule deletes at most `limit` rows per call (a bounded statement), oldest expiry first.
 * `$1` is the clean-up's "now".
 */
const RULES = {
  sourceSnapshots: `delete from source_snapshots where id in (select id from source_snapshots where expires_at < $1 order by expires_at limit $2)`,
  learnerAnalytics: `delete from learner_analytics where id in (select id from learner_analytics where expires_at < $1 order by expires_at limit $2)`,
  aggregateMetrics: `delete from aggregate_metrics where id in (select id from aggregate_metrics where expires_at < $1 order by expires_at limit $2)`,
  // Spent refresh tokens are kept a day after use, so a reuse can still be recognised (and punished) for a while.
  refreshTokens: `delete from refresh_tokens where id in (select id from refresh_tokens
     where expires_at < $1 or revoked_at < $1::timestamptz - interval '1 day' or used_at < $1::timestamptz - interval '1 day' limit $2)`,
  // A revocation is needed only while a token it blocks could still be presented.
  accessRevocations: `delete from access_revocations where (kind, subject_id) in (select kind, subject_id from access_revocations
     where expires_at < $1 order by expires_at limit $2)`,
  // Deliveries outside the ±5 min window are refused by their timestamp anyway.
  webhookDeliveries: `delete from webhook_deliveries where (service, delivery_id) in (select service, delivery_id from webhook_deliveries
     where received_at < $1::timestamptz - interval '1 day' limit $2)`,
  reports: `delete from reports where id in (select id from reports where expires_at < $1 order by expires_at limit $2)`,
  pipelineRuns: `delete from pipeline_runs where id in (select id from pipeline_runs
     where finished_at < $1::timestamptz - interval '30 days' limit $2)`,
} as const;

export type RetentionRule = keyof typeof RULES;

/** Applies every retention rule once; returns how many rows each removed. */
export async function applyRetention(db: Database, now: Date, limit: number): Promise<Record<RetentionRule, number>> {
  const removed = {} as Record<RetentionRule, number>;
  for (const [rule, statement] of Object.entries(RULES) as [RetentionRule, string][]) {
    const result = await db.sql.query(`${statement} returning 1`, [now.toISOString(), limit]);
    removed[rule] = result.length;
  }
  return removed;
}
