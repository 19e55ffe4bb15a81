import type { Database } from "../client";

/**
 * Rolls the latest analytics of each learner of an organisation up to course, department and
 * organisation figures for one day, in SQL. Groups smaller than the organisation's minimum group
 * size are not written at all, so no reader can show them. Returns the number of groups written.
 */
export async function writeAggregates(
  db: Database,
  organizationId: string,
  runId: string,
  periodStart: Date,
  expiresAt: Date,
): Promise<number> {
  const rows = await db.sql.query(
    `with latest as (
       select distinct on (la.user_id) la.user_id, la.metrics, u.department
       from learner_analytics la join users u on u.id = la.user_id
       where la.organization_id = $1
       order by la.user_id, la.computed_at desc
     ),
     learner as (
       select user_id, department,
              (metrics #>> '{engagement,score}')::numeric as engagement,
              (metrics #>> '{mastery,overall}')::numeric as mastery,
              (metrics #>> '{velocity,unitsPerWeek}')::numeric as velocity,
              (metrics #>> '{atRisk,probability}')::numeric as at_risk
       from latest
     ),
     course_rows as (
       select l.user_id, c->>'courseId' as course_id, (c->>'progress')::numeric as progress,
              c->>'status' as status, (c->>'averageScore')::numeric as average_score,
              (c #>> '{atRisk,probability}')::numeric as at_risk
       from latest l, jsonb_array_elements(l.metrics->'courses') c
     ),
     groups as (
       select 'organization'::aggregate_level as level, $1::text as group_key, count(*) as size,
              jsonb_build_object('learners', count(*), 'engagement', round(avg(engagement), 2), 'mastery', round(avg(mastery), 4),
                'unitsPerWeek', round(avg(velocity), 3), 'atRiskShare', round(avg((at_risk >= 0.5)::int), 4)) as metrics
       from learner
       union all
       select 'department', department, count(*),
              jsonb_build_object('learners', count(*), 'engagement', round(avg(engagement), 2), 'mastery', round(avg(mastery), 4),
                'unitsPerWeek', round(avg(velocity), 3), 'atRiskShare', round(avg((at_risk >= 0.5)::int), 4))
       from learner where department is not null group by department
       union all
       select 'course', course_id, count(*),
              jsonb_build_object('learners', count(*), 'completionRate', round(avg((status = 'completed')::int), 4),
                'averageProgress', round(avg(progress), 4), 'averageScore', round(avg(average_score), 4),
                'atRiskShare', round(avg((at_risk >= 0.5)::int), 4),
                'scoreHistogram', (select jsonb_agg(n order by bucket) from (
                   select b as bucket, count(cr2.user_id) as n
                   from generate_series(1, 10) b
                   left join course_rows cr2 on cr2.course_id = cr.course_id and cr2.average_score is not null
                     and least(width_bucket(cr2.average_score, 0, 1.0000001, 10), 10) = b
                   group by b) h))
       from course_rows cr group by course_id
     )
     insert into aggregate_metrics (organization_id, run_id, level, group_key, period_start, group_size, metrics, expires_at)
     select $1, $2, g.level, g.group_key, $3, g.size, g.metrics, $4
     from groups g join organizations o on o.id = $1
     where g.size >= o.min_group_size
     on conflict (organization_id, level, group_key, period_start)
     do update set run_id = excluded.run_id, group_size = excluded.group_size, metrics = excluded.metrics,
                   computed_at = now(), expires_at = excluded.expires_at
     returning 1`,
    [organizationId, runId, periodStart.toISOString(), expiresAt.toISOString()],
  );
  return rows.length;
}

/**
 * Sets each analysed learner's velocity percentile among the peers of their courses (percent_rank
 * over the latest analytics in the organisation, 0–100), for the rows of this run. Returns the
 * learners whose percentile changed.
 */
export async function writePeerPercentiles(db: Database, organizationId: string, runId: string): Promise<string[]> {
  const rows = (await db.sql.query(
    `with latest as (
       select distinct on (user_id) user_id, metrics from learner_analytics
       where organization_id = $1 order by user_id, computed_at desc
     ),
     per_course as (
       select l.user_id, c->>'courseId' as course_id,
              percent_rank() over (partition by c->>'courseId' order by (l.metrics #>> '{velocity,unitsPerWeek}')::numeric) as rank
       from latest l, jsonb_array_elements(l.metrics->'courses') c
     ),
     percentile as (select user_id, round((avg(rank) * 100)::numeric, 1) as value from per_course group by user_id)
     update learner_analytics la
     set metrics = jsonb_set(la.metrics, '{velocity,peerPercentile}', to_jsonb(p.value))
     from percentile p
     where la.run_id = $2 and la.user_id = p.user_id
       and (la.metrics #>> '{velocity,peerPercentile}') is distinct from p.value::text
     returning la.user_id`,
    [organizationId, runId],
  )) as { user_id: string }[];
  return rows.map((row) => row.user_id);
}
