import { z } from "zod";
import { count, id, label, servicePayload, unitInterval } from "./envelope";

export const RECOMMENDATION_KINDS = ["unit", "assessment", "exercise", "content"] as const;

/** `next_in_path`: the next step of the course; `skill_gap`: practice for a weak skill; `retake`: a failed graded assessment. */
export const RECOMMENDATION_REASONS = ["next_in_path", "skill_gap", "retake"] as const;

export const recommendationSchema = z.object({
  /** 1 for the most recommended item. */
  rank: z.number().int().positive(),
  kind: z.enum(RECOMMENDATION_KINDS),
  /** A courseBuilder unit, assessment, devLab exercise or contentStudio content id, according to `kind`. */
  itemId: id,
  courseId: id,
  skillId: id.nullable(),
  reason: z.enum(RECOMMENDATION_REASONS),
  /** The model's confidence that the item is the right next step. */
  score: unitInterval,
});

export const pathPositionSchema = z
  .object({
    courseId: id,
    /** Units of the learning path already completed. */
    position: count,
    /** Units on the learning path in total. */
    length: count,
    /** The module the learner is in; null before the start and after the end. */
    currentModuleId: id.nullable(),
    /** The unit the learner should take next; null once the path is done. */
    nextUnitId: id.nullable(),
  })
  .refine((p) => p.position <= p.length, { message: "position beyond the end of the path", path: ["position"] });

export const learnerInsightSchema = z.object({
  learnerId: id,
  /** Minutes of learning the model expects from the learner in the coming week. */
  predictedWeeklyMinutes: z.number().nonnegative(),
  /** Learning units the model expects the learner to complete in the coming week. */
  predictedWeeklyUnits: z.number().nonnegative(),
  /** How sure the model is of both predictions (little history → low). */
  confidence: unitInterval,
  paths: z.array(pathPositionSchema),
  /** Best first. */
  recommendations: z.array(recommendationSchema),
});

/**
 * learnerAI — the adaptive-learning model's view of each learner at the end of the window:
 * predicted effort, position on each course's learning path and recommended next items. Course
 * scope: the course's learners, with paths and recommendations of that course only.
 */
export const learnerAIPayload = servicePayload(
  "learnerAI",
  z.object({
    /** The model that produced the predictions, so a change of model can be told from a change of behaviour. */
    modelVersion: label,
    learners: z.array(learnerInsightSchema),
  }),
);

export type LearnerAIPayload = z.infer<typeof learnerAIPayload>;
export type LearnerInsight = z.infer<typeof learnerInsightSchema>;
