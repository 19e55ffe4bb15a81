import { MASTERY_THRESHOLD } from "./bkt";

/** Proficiency levels run 0..5 (skillsEngine's `MAX_SKILL_LEVEL`). */
const MAX_LEVEL = 5;

export interface SkillTarget {
  skillId: string;
  /** Target and recorded levels, 0..5; omit both to derive the gap from mastery. */
  targetLevel?: number | null;
  currentLevel?: number | null;
  /** 0 (nice to have) … 1 (critical). */
  importance: number;
  /** P(mastered) from knowledge tracing; null or omitted without evidence, counted as 0. */
  mastery?: number | null;
}

export interface SkillGap {
  skillId: string;
  gap: number;
  importance: number;
  mastery: number;
  priority: number;
}

/**
 * Skill-gap priority = gap × importance × (1 − mastery), ranked highest first, ties by skillId.
 * gap = max(0, targetLevel − currentLevel) / 5 when both levels are known, otherwise 1 − mastery
 * (how far from mastered). Mastery without evidence counts as 0: an untested skill is not
 * assumed known. A skill is not a gap, and is left out, when it is mastered (P(mastered) at or
 * above `threshold`, the 0.95 that marks a skill mastered everywhere else) or when its recorded
 * level already reaches the target (gap 0).
 */
export function skillGapPriorities(targets: readonly SkillTarget[], threshold = MASTERY_THRESHOLD): SkillGap[] {
  return targets
    .filter((t) => (t.mastery ?? 0) < threshold)
    .map((t) => {
      const mastery = t.mastery ?? 0;
      const gap = t.targetLevel != null && t.currentLevel != null ? Math.max(0, t.targetLevel - t.currentLevel) / MAX_LEVEL : 1 - mastery;
      return { skillId: t.skillId, gap, importance: t.importance, mastery, priority: gap * t.importance * (1 - mastery) };
    })
    .filter((g) => g.gap > 0)
    .sort((a, b) => b.priority - a.priority || (a.skillId < b.skillId ? -1 : a.skillId > b.skillId ? 1 : 0));
}

/** Share of target skills with P(mastered) ≥ threshold (0.95 by default); null without targets. */
export function masteredShare(masteries: readonly (number | null | undefined)[], threshold = MASTERY_THRESHOLD): number | null {
  if (!masteries.length) return null;
  return masteries.filter((m) => m != null && m >= threshold).length / masteries.length;
}
