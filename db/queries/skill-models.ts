import { eq, sql } from "drizzle-orm";
import type { BktParams } from "../../core/domain/mastery";
import type { Database } from "../client";
import { skillModels } from "../schema";

/** The organisation's fitted knowledge-tracing parameters, by skill. */
export async function skillModelsOf(db: Database, organizationId: string): Promise<Map<string, BktParams>> {
  const rows = await db.orm
    .select({ skillId: skillModels.skillId, params: skillModels.params })
    .from(skillModels)
    .where(eq(skillModels.organizationId, organizationId));
  return new Map(rows.map((row) => [row.skillId, row.params as BktParams]));
}

export async function upsertSkillModels(
  db: Database,
  organizationId: string,
  fits: { skillId: string; params: BktParams; responses: number }[],
): Promise<void> {
  if (fits.length === 0) return;
  await db.orm
    .insert(skillModels)
    .values(fits.map((fit) => ({ organizationId, ...fit })))
    .onConflictDoUpdate({
      target: [skillModels.organizationId, skillModels.skillId],
      set: { params: sql`excluded.params`, responses: sql`excluded.responses`, fittedAt: sql`now()` },
    });
}

/**
 * A learner's answers to one skill beyond this many are left out of the fit. It bounds every
 * pattern (so every row of `answerPatterns`) to a known size; the demo's longest is 27 answers in
 * the 90-day window, so nobody there is cut, and what a long tail (a practice retaken over and
 * over) adds is mostly the steady state after mastery, which the first 50 answers already show.
 */
export const MAX_PATTERN_ANSWERS = 50;

/** One answer pattern of a skill: the answers in time order ('1' right, '0' wrong) and how many learners gave exactly it. */
export interface AnswerPattern {
  skill: string;
  pattern: string;
  learners: number;
}

/**
 * The sufficient statistics of the skill models from a run's assessment snapshots: per skill, the
 * distinct answer patterns of its learners (each learner's first MAX_PATTERN_ANSWERS answers in
 * time order) with their counts, computed in SQL so that neither the answers nor the payloads
 * travel. Keyset pages in (skill, pattern) order of at most `limit` rows, starting after `after`:
 * a row is at most a skill id, MAX_PATTERN_ANSWERS characters and a count, so a page's response
 * has a bound whatever the organisation's size.
 */
export async function answerPatterns(
  db: Database,
  runId: string,
  after: { skill: string; pattern: string } | null,
  limit: number,
): Promise<AnswerPattern[]> {
  return (await db.sql.query(
    `with answers as (
       select s.subject, item->>'skillId' as skill, (item->>'correct')::boolean as correct,
              row_number() over (
                partition by s.subject, item->>'skillId'
                order by (item->>'answeredAt')::timestamptz, attempt_no, item_no
              ) as n
       from source_snapshots s,
            jsonb_array_elements(s.payload->'data'->'attempts') with ordinality as a(attempt, attempt_no),
            jsonb_array_elements(attempt->'items') with ordinality as i(item, item_no)
       where s.run_id = $1 and s.service = 'assessment' and s.subject = 'user:' || (attempt->>'learnerId')
     ),
     sequences as (
       select skill, string_agg(case when correct then '1' else '0' end, '' order by n) as pattern
       from answers
       where n <= $2
       group by subject, skill
     )
     select skill, pattern, count(*)::int as learners
     from sequences
     where (skill collate "C", pattern collate "C") > ($3::text collate "C", $4::text collate "C")
     group by skill, pattern
     order by skill collate "C", pattern collate "C"
     limit $5`,
    [runId, MAX_PATTERN_ANSWERS, after?.skill ?? "", after?.pattern ?? "", limit],
  )) as AnswerPattern[];
}

/**
 * The answer patterns of a run skill by skill, read `pageRows` at a time: a skill whose patterns
 * span pages is handed over whole once its last pattern has arrived, so a caller holds one skill
 * and one page at most.
 */
export async function* answerPatternsBySkill(
  db: Database,
  runId: string,
  pageRows: number,
): AsyncGenerator<{ skill: string; patterns: AnswerPattern[] }> {
  let current: { skill: string; patterns: AnswerPattern[] } | undefined;
  let after: AnswerPattern | null = null;
  for (;;) {
    const page = await answerPatterns(db, runId, after, pageRows);
    for (const row of page) {
      if (current?.skill !== row.skill) {
        if (current) yield current;
        current = { skill: row.skill, patterns: [] };
      }
      current.patterns.push(row);
    }
    after = page.at(-1) ?? null;
    if (page.length < pageRows) break;
  }
  if (current) yield current;
}
