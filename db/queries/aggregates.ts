import type { Database } from "../client";

/**
 * Rolls the latest analytics of each learner of an organisation up to course, department and
 * organisation figures for one day, in SQL. Groups smaller than the organisation's minimum group
 * size are not written at all, so no reader can show them. Returns the number of groups written.
 *
 * A course's `scoreHistogram` counts its learners' average scores in 10 bins [0, 0.1), …,
 * [0.9, 1] by bin = ⌊score·10 + 1e-9⌋ clamped to 0..9: `histogramBin` of jobs/math/distribution,
 * which the trainer answers use (0.3 is in the 0.3 bin; aggregates.test.ts runs both).
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
              (coalesce(l.metrics #>> '{atRisk,status}', '') = 'at_risk')::int as at_risk
       from latest l cross join ranges r
     ),
     course_rows as (
       -- A learner counts once per course, also when listed twice in their courses.
       select distinct on (l.user_id, r.range, c->>'courseId') l.user_id, r.range, c->>'courseId' as course_id, (c->>'progress')::numeric as progress,
              c->>'status' as status, (coalesce(c #>> '{atRisk,status}', '') = 'at_risk')::int as at_risk,
              (rc->>'averageScore')::numeric as average_score, (rc->>'completed')::boolean as completed_in_range
       from latest l cross join ranges r, jsonb_array_elements(l.metrics->'courses') c
       left join lateral (
         select x from jsonb_array_elements(l.metrics #> array['ranges', r.range, 'courses']) x
         where x->>'courseId' = c->>'courseId' limit 1
       ) rc(rc) on true
       order by l.user_id, r.range, c->>'courseId', c::text
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
                   from generate_series(0, 9) b
                   left join course_rows cr2 on cr2.course_id = cr.course_id and cr2.range = cr.range and cr2.average_score is not null
                     and least(greatest(floor(cr2.average_score * 10 + 1e-9), 0), 9) = b
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
 * Sets each analysed learner's velocity peer percentile (0–100, 1 decimal), for the rows of this
 * run, by the definition of `peerPercentiles` in jobs/math/distribution: in each of the learner's
 * courses, 100 × (other learners of the course with lower units per week + ½ × those with equal) /
 * other learners, over the latest analytics in the organisation; then the mean over the courses
 * where the learner has peers, rounded half up. Alone in every course: null. Returns the learners
 * whose percentile changed.
 */
export async function writePeerPercentiles(db: Database, organizationId: string, runId: string): Promise<string[]> {
  const rows = (await db.sql.query(
    `with latest as (
       select distinct on (user_id) user_id, metrics from learner_analytics
       where organization_id = $1 order by user_id, computed_at desc
     ),
     members as (
       select distinct l.user_id, c->>'courseId' as course_id, (l.metrics #>> '{velocity,unitsPerWeek}')::numeric as velocity
       from latest l, jsonb_array_elements(l.metrics->'courses') c
       where l.metrics #>> '{velocity,unitsPerWeek}' is not null
     ),
     per_course as (
       -- rank() − 1 others strictly below; the velocity's partition counts the ties, the learner included.
       select user_id,
              case when count(*) over course > 1
                then 100 * ((rank() over by_velocity - 1) + (count(*) over (partition by course_id, velocity) - 1) / 2.0)
                     / (count(*) over course - 1)
              end as rank
       from members
       window course as (partition by course_id), by_velocity as (partition by course_id order by velocity)
     ),
     percentile as (
       -- avg skips the courses without peers; null when there are none. Half up, as roundHalfUp.
       select user_id, round(floor(avg(rank) * 10 + 0.5 + 1e-9) / 10, 1) as value from per_course group by user_id
     )
     update learner_analytics la
     set metrics = jsonb_set(la.metrics, '{velocity,peerPercentile}', coalesce(to_jsonb(p.value), 'null'::jsonb))
     from percentile p
     where la.run_id = $2 and la.user_id = p.user_id
       and (la.metrics #>> '{velocity,peerPercentile}') is distinct from p.value::text
     returning la.user_id`,
    [organizationId, runId],
  )) as { user_id: string }[];
  return rows.map((row) => row.user_id);
}
