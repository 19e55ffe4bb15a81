import { z } from "zod";
import { count, id, label, servicePayload, timestamp } from "./envelope";

/** 1-based place of a module in its course, or of a unit in its module. */
const position = z.number().int().positive();

export const UNIT_KINDS = ["video", "reading", "interactive", "lab"] as const;

export const learningUnitSchema = z.object({
  id,
  position,
  title: label,
  /** `lab` units are hands-on exercises run in devLab; the others are content from contentStudio. */
  kind: z.enum(UNIT_KINDS),
  /** The author's estimate of the time a learner needs for the unit. */
  estimatedMinutes: count,
});

export const courseModuleSchema = z.object({
  id,
  position,
  title: label,
  /** In course order. */
  units: z.array(learningUnitSchema),
});

/**
 * The aggregate outcome of one earlier offering (run, cohort) of a course: counts only, no personal
 * data. `completed + failed + withdrawn` may fall short of `learners` when some never finished nor
 * formally failed, never exceed it.
 */
export const courseOfferingSchema = z
  .object({
    /** The organisation's label of the offering, e.g. `2025 autumn`. */
    offering: label,
    learners: count,
    completed: count,
    failed: count,
    withdrawn: count,
  })
  .refine((o) => o.completed + o.failed + o.withdrawn <= o.learners, {
    message: "completed, failed and withdrawn exceed learners",
    path: ["learners"],
  });

/**
 * Contract version 2 adds `history` to a course and `previousAttempts` to an enrolment, both
 * optional so that a version 1 service still validates; their absence reads as "unknown".
 */
export const courseSchema = z.object({
  id,
  organizationId: id,
  /** The organisation's short code of the course, e.g. `TS-101`. */
  code: z.string().min(1).max(50),
  title: label,
  trainerIds: z.array(id),
  /** In course order. */
  modules: z.array(courseModuleSchema),
  /** v2: outcomes of the course's earlier offerings, oldest first; empty for a first offering. */
  history: z.array(courseOfferingSchema).optional(),
});

export const ENROLMENT_STATUSES = ["not_started", "in_progress", "completed", "withdrawn"] as const;

export const moduleProgressSchema = z
  .object({
    moduleId: id,
    /** Units of the module completed before the window's end (including any before its start). */
    unitsCompleted: count,
    unitsTotal: count,
    /** When the last unit of the module was completed; null while units remain. */
    completedAt: timestamp.nullable(),
  })
  .refine((m) => m.unitsCompleted <= m.unitsTotal, { message: "unitsCompleted exceeds unitsTotal", path: ["unitsCompleted"] });

export const unitCompletionSchema = z.object({ unitId: id, moduleId: id, completedAt: timestamp });

export const enrolmentSchema = z
  .object({
    learnerId: id,
    courseId: id,
    enrolledAt: timestamp,
    /** First learning activity in the course; null until the learner starts. */
    startedAt: timestamp.nullable(),
    /** When the learner finished every unit and passed the final assessment; null until then. */
    completedAt: timestamp.nullable(),
    /** When the learner (or an admin) withdrew the enrolment; null unless withdrawn. */
    withdrawnAt: timestamp.nullable(),
    /** A deadline set by the organisation (mandatory training); null when there is none. */
    dueAt: timestamp.nullable(),
    /** The state at the end of the window. */
    status: z.enum(ENROLMENT_STATUSES),
    /** Units in the course: the estimated total a learner has to complete. */
    unitsTotal: count,
    /** Units completed before the window's end (including any before its start). */
    unitsCompleted: count,
    /** The learner's latest activity in the course before the window's end; null if none. */
    lastActivityAt: timestamp.nullable(),
    /** Progress per module, in course order, as of the window's end. */
    modules: z.array(moduleProgressSchema),
    /** The unit completions inside the window, oldest first. */
    unitCompletions: z.array(unitCompletionSchema),
    /** v2: earlier enrolments of this learner in this course that did not complete. */
    previousAttempts: count.optional(),
  })
  .refine((e) => e.unitsCompleted <= e.unitsTotal, { message: "unitsCompleted exceeds unitsTotal", path: ["unitsCompleted"] });

/**
 * courseBuilder — course structure and learner progress. User scope: the courses the person is
 * enrolled in or teaches, and the person's enrolments; course scope: that course and all its
 * enrolments; organisation scope: every course and enrolment of the organisation.
 */
export const courseBuilderPayload = servicePayload(
  "courseBuilder",
  z.object({ courses: z.array(courseSchema), enrolments: z.array(enrolmentSchema) }),
);

export type CourseBuilderPayload = z.infer<typeof courseBuilderPayload>;
export type Course = z.infer<typeof courseSchema>;
export type Enrolment = z.infer<typeof enrolmentSchema>;
export type CourseOffering = z.infer<typeof courseOfferingSchema>;
