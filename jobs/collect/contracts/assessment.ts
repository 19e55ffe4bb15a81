import { z } from "zod";
import { count, id, label, servicePayload, timestamp } from "./envelope";

const points = z.number().nonnegative();
const maxPoints = z.number().positive();

/** `practice`: ungraded knowledge checks inside units; `quiz`: graded end of a module; `exam`: graded end of a course. */
export const ASSESSMENT_KINDS = ["practice", "quiz", "exam"] as const;

/** Percent of the course grade an assessment carries. */
const percent = z.number().min(0).max(100);

/**
 * Contract version 2 adds `dueAt` and `weight`. Both are optional so that a version 1 service
 * (which knows neither) still validates; a consumer reads their absence as "unknown", not as
 * "no deadline" or "weightless".
 */
export const assessmentSchema = z.object({
  id,
  courseId: id,
  /** The module the assessment closes or belongs to; null for course-wide exams. */
  moduleId: id.nullable(),
  kind: z.enum(ASSESSMENT_KINDS),
  title: label,
  maxScore: maxPoints,
  /** The score (in points, not percent) needed to pass; null for ungraded practice. */
  passMark: points.nullable(),
  /** Items a learner answers in one attempt. */
  itemCount: count,
  /** v2: the deadline the organisation set for submitting it; null when there is none (practice). */
  dueAt: timestamp.nullable().optional(),
  /** v2: percent of the course grade, 0 … 100; 0 for formative practice. A course's graded assessments add up to 100. */
  weight: percent.optional(),
});

/** One answered item: the unit of evidence for knowledge tracing. */
export const itemResultSchema = z
  .object({
    itemId: id,
    /** The skill the item measures (a skillsEngine skill id). */
    skillId: id,
    /** Full marks on the item; partial credit counts as not correct. */
    correct: z.boolean(),
    score: points,
    maxScore: maxPoints,
    answeredAt: timestamp,
  })
  .refine((i) => i.score <= i.maxScore, { message: "score exceeds maxScore", path: ["score"] });

export const attemptSchema = z
  .object({
    id,
    assessmentId: id,
    courseId: id,
    learnerId: id,
    /** 1 for the learner's first attempt at this assessment, 2 for the retake after it, … */
    attempt: z.number().int().positive(),
    startedAt: timestamp,
    submittedAt: timestamp,
    score: points,
    maxScore: maxPoints,
    /** Whether `score` reached the pass mark; null for ungraded practice. */
    passed: z.boolean().nullable(),
    /** The answered items in the order they were answered. */
    items: z.array(itemResultSchema),
  })
  .refine((a) => a.score <= a.maxScore, { message: "score exceeds maxScore", path: ["score"] })
  .refine((a) => Date.parse(a.startedAt) <= Date.parse(a.submittedAt), { message: "submitted before started", path: ["submittedAt"] });

/**
 * assessment — assessments and every attempt submitted inside the window, oldest first; each
 * attempt carries its item results in answer order, so the flattened items of a learner are the
 * ordered evidence sequence Bayesian Knowledge Tracing needs. `assessments` lists the assessments
 * of the courses in scope (user scope: the person's courses).
 */
export const assessmentPayload = servicePayload(
  "assessment",
  z.object({ assessments: z.array(assessmentSchema), attempts: z.array(attemptSchema) }),
);

export type AssessmentPayload = z.infer<typeof assessmentPayload>;
export type Assessment = z.infer<typeof assessmentSchema>;
export type AssessmentAttempt = z.infer<typeof attemptSchema>;
export type ItemResult = z.infer<typeof itemResultSchema>;
