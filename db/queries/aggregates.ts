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
     ranges(range) as (values ('7d'), ('30d'), ('90d')),
     learner as (
       select l.user_id, l.department, r.range,
              (l.metrics #>> array['ranges', r.range, 'engagement', 'score'])::numeric as engagement,
              (l.metrics #>> '{mastery,overall}')::numeric as mastery,
              (l.metrics #>> array['ranges', r.range, 'unitsPerWeek'])::numeric as velocity,
              (l.metrics #>> '{atRisk,probability}')::numeric as at_risk
       from latest l cross join ranges r
     ),
     course_rows as (
       select l.user_id, r.range, c->>'courseId' as course_id, (c->>'progress')::numeric as progress,
              c->>'status' as status, (c #>> '{atRisk,probability}')::numeric as at_risk,
              (rc->>'averageScore')::numeric as average_score, (rc->>'completed')::boolean as completed_in_range
       from latest l cross join ranges r, jsonb_array_elements(l.metrics->'courses') c
       left join lateral (
         select x from jsonb_array_elements(l.metrics #> array['ranges', r.range, 'courses']) x
         where x->>'courseId' = c->>'courseId' limit 1
       ) rc(rc) on true
     ),
     people as (
       select range, 'organization'::aggregate_level as level, $1::text as group_key, count(*) as size,
              jsonb_build_object('engagement', round(avg(engagement), 2), 'mastery', round(avg(mastery), 4),
                'unitsPerWeek', round(avg(velocity), 2), 'atRiskShare', round(avg((at_risk >= 0.5)::int), 4)) as figures
       from learner group by range
       union all
       select range, 'department', department, count(*),
              jsonb_build_object('engagement', round(avg(engagement), 2), 'mastery', round(avg(mastery), 4),
                'unitsPerWeek', round(avg(velocity), 2), 'atRiskShare', round(avg((at_risk >= 0.5)::int), 4))
       from learner where department is not null group by range, department
       union all
       select range, 'course', course_id, count(*),
              jsonb_build_object('completionRate', round(avg((status = 'completed')::int), 4),
                'completedInRange', count(*) filter (where completed_in_range),
                'averageProgress', round(avg(progress), 4), 'averageScore', round(avg(average_score), 4),
                'atRiskShare', round(avg((at_risk >= 0.5)::int), 4),
                'scoreHistogram', (select jsonb_agg(n order by bucket) from (
                   select b as bucket, count(cr2.user_id) as n
                   from generate_series(1, 10) b
                   left join course_rows cr2 on cr2.course_id = cr.course_id and cr2.range = cr.range and cr2.average_score is not null
                     and least(width_bucket(cr2.average_score, 0, 1.0000001, 10), 10) = b
                   group by b) h))
       from course_rows cr group by range, course_id
     ),
     groups as (
       select level, group_key, max(size) as size,
              jsonb_build_object('learners', max(size), 'ranges', jsonb_object_agg(range, figures)) as metrics
       from people group by level, group_key
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
