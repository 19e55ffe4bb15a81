import type { Database } from "../client";

/** A course's cohort figures as the at-risk model takes them (jobs/analyze/course-risk.ts `CourseRiskContext`). */
export interface CohortContext {
  cohortMeanScores: ReadonlyMap<string, number>;
  courseFailRate: number | null;
}

/**
 * Recomputes the cohort context of every course in a run's snapshots, in one set-based statement,
 * and returns how many courses it wrote. Both figures follow the definitions the evaluation uses:
 *
 * - cohort mean of an assessment: the mean, over the course's learners with a submitted attempt
 *   on it, of each learner's best score as a share of the maximum; only when at least the
 *   organisation's `min_group_size` learners contribute (else the assessment is absent);
 * - course fail rate: Σ(failed + withdrawn) / Σ learners over the course's earlier offerings
 *   (courseBuilder `history`) with at least `min_group_size` learners; null when none has.
 *
 * Snapshots are slimmed per learner, so a learner's attempts and enrolments are read only from
 * their own snapshot (subject = 'user:' || learnerId), and a course's history, repeated in each
 * of its learners' snapshots, is taken once per offering. A course of the run whose figures are
 * now too thin loses them: the row is replaced, not merged.
 */
export async function refreshCohortContext(db: Database, organizationId: string, runId: string): Promise<number> {
  const rows = await db.sql.query(
    `with org as (select min_group_size as k from organizations where id = $1),
     best as (
       select a->>'courseId' as course_id, a->>'assessmentId' as assessment_id, s.subject,
              max((a->>'score')::float8 / (a->>'maxScore')::float8) as score
       from source_snapshots s, jsonb_array_elements(s.payload->'data'->'attempts') a
       where s.run_id = $2 and s.service = 'assessment' and s.subject = 'user:' || (a->>'learnerId')
       group by 1, 2, 3
     ),
     means as (
       select course_id, jsonb_object_agg(assessment_id, mean) as assessment_means
       from (
         select course_id, assessment_id, avg(score) as mean from best
         group by course_id, assessment_id
         having count(*) >= (select k from org)
       ) m
       group by course_id
     ),
     enrolled as (
       select e->>'courseId' as course_id, count(distinct s.subject)::int as learners
       from source_snapshots s, jsonb_array_elements(s.payload->'data'->'enrolments') e
       where s.run_id = $2 and s.service = 'courseBuilder' and s.subject = 'user:' || (e->>'learnerId')
       group by 1
     ),
     offerings as (
       select distinct on (c->>'id', h->>'offering') c->>'id' as course_id,
              (h->>'learners')::int as learners, (h->>'failed')::int + (h->>'withdrawn')::int as not_completed
       from source_snapshots s, jsonb_array_elements(s.payload->'data'->'courses') c,
            jsonb_array_elements(coalesce(c->'history', '[]'::jsonb)) h
       where s.run_id = $2 and s.service = 'courseBuilder'
       order by c->>'id', h->>'offering'
     ),
     fail_rates as (
       select course_id, sum(not_completed)::float8 / sum(learners) as fail_rate
       from offerings
       where learners >= (select k from org) and learners > 0
       group by course_id
     ),
     courses as (select course_id from enrolled union select course_id from means union select course_id from fail_rates)
     insert into course_cohort_context (organization_id, course_id, assessment_means, course_fail_rate, learners, computed_at)
     select $1, c.course_id::uuid, coalesce(m.assessment_means, '{}'::jsonb), f.fail_rate, coalesce(e.learners, 0), now()
     from courses c
     left join means m on m.course_id = c.course_id
     left join fail_rates f on f.course_id = c.course_id
     left join enrolled e on e.course_id = c.course_id
     on conflict (organization_id, course_id) do update
       set assessment_means = excluded.assessment_means, course_fail_rate = excluded.course_fail_rate,
           learners = excluded.learners, computed_at = excluded.computed_at
     returning 1`,
    [organizationId, runId],
  );
  return rows.length;
}

/** The latest stored cohort context of some courses of an organisation, by course; a course never computed is absent. */
export async function cohortContextOf(db: Database, organizationId: string, courseIds: string[]): Promise<Map<string, CohortContext>> {
  if (courseIds.length === 0) return new Map();
  const rows = (await db.sql.query(
    `select course_id, assessment_means, course_fail_rate from course_cohort_context
     where organization_id = $1 and course_id = any($2::uuid[])`,
    [organizationId, courseIds],
  )) as { course_id: string; assessment_means: Record<string, number>; course_fail_rate: number | null }[];
  return new Map(
    rows.map((row) => [
      row.course_id,
      { cohortMeanScores: new Map(Object.entries(row.assessment_means)), courseFailRate: row.course_fail_rate },
    ]),
  );
}
