import { z } from "zod";
import { id, label, servicePayload, timestamp, unitInterval } from "./envelope";

/** Proficiency levels run from 0 (none) to `MAX_SKILL_LEVEL` (expert). */
export const MAX_SKILL_LEVEL = 5;
const level = z.number().int().min(0).max(MAX_SKILL_LEVEL);

export const skillSchema = z.object({ id, name: label, category: label });

export const courseSkillsSchema = z.object({
  courseId: id,
  skills: z.array(
    z.object({
      skillId: id,
      /** The share of the course devoted to the skill; the weights of a course sum to 1. */
      weight: unitInterval,
    }),
  ),
});

/** Why a skill is a target: the person's role profile, the manager, the person, or a mandatory rule. */
export const TARGET_SOURCES = ["role", "manager", "self", "compliance"] as const;

export const targetSkillSchema = z.object({
  skillId: id,
  /** The level the person should reach. */
  targetLevel: level,
  /** The level on record (self- or manager-assessed, raised on course completion) — not measured mastery. */
  currentLevel: level,
  /** How much the skill matters for the person's role, 0 (nice to have) … 1 (critical). */
  importance: unitInterval,
  source: z.enum(TARGET_SOURCES),
  /** When the target or the level on record last changed. */
  updatedAt: timestamp,
});

/**
 * skillsEngine — the skills catalogue, the skills each course teaches, and each learner's target
 * skills. User scope: that person; course scope: the course and its enrolled learners;
 * organisation scope: all courses and learners. `skills` lists every skill referenced.
 */
export const skillsEnginePayload = servicePayload(
  "skillsEngine",
  z.object({
    skills: z.array(skillSchema),
    courses: z.array(courseSkillsSchema),
    learners: z.array(z.object({ learnerId: id, targets: z.array(targetSkillSchema) })),
  }),
);

export type SkillsEnginePayload = z.infer<typeof skillsEnginePayload>;
export type TargetSkill = z.infer<typeof targetSkillSchema>;
