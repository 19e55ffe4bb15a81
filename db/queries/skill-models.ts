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
 * Every learner's answers per skill in a run's assessment snapshots, in answer order: the
 * training sequences of the skill models. Extracted in SQL, so only these fields travel.
 */
export async function responseSequences(db: Database, runId: string): Promise<Map<string, boolean[][]>> {
  const rows = (await db.sql.query(
    `select s.subject, item->>'skillId' as skill, (item->>'correct')::boolean as correct
     from source_snapshots s,
          jsonb_array_elements(s.payload->'data'->'attempts') attempt,
          jsonb_array_elements(attempt->'items') item
     where s.run_id = $1 and s.service = 'assessment' and s.subject = 'user:' || (attempt->>'learnerId')
     order by s.subject, skill, (item->>'answeredAt')::timestamptz`,
    [runId],
  )) as { subject: string; skill: string; correct: boolean }[];
  const sequences = new Map<string, boolean[][]>();
  let previous = "";
  for (const row of rows) {
    const lists = sequences.get(row.skill) ?? [];
    if (`${row.subject}/${row.skill}` !== previous) lists.push([]);
    lists.at(-1)!.push(row.correct);
    sequences.set(row.skill, lists);
    previous = `${row.subject}/${row.skill}`;
  }
  return sequences;
}
