import { z } from "zod";
import { count, id, label, servicePayload, timestamp } from "./envelope";

export const EXERCISE_DIFFICULTIES = ["easy", "medium", "hard"] as const;

export const exerciseSchema = z.object({
  id,
  courseId: id,
  /** The courseBuilder `lab` unit the exercise backs; null for optional extra practice. */
  unitId: id.nullable(),
  /** The skill the exercise practises. */
  skillId: id,
  title: label,
  difficulty: z.enum(EXERCISE_DIFFICULTIES),
});

/** One working session on an exercise, ending in a graded submission. */
export const submissionSchema = z
  .object({
    learnerId: id,
    exerciseId: id,
    courseId: id,
    skillId: id,
    submittedAt: timestamp,
    /** Every test passed on the submitted solution. */
    passed: z.boolean(),
    /** Test runs in the session, the graded submission included. */
    attempts: z.number().int().positive(),
    /** Execution time of the submitted solution over the whole test suite. */
    runtimeMs: count,
    testsPassed: count,
    testsTotal: z.number().int().positive(),
  })
  .refine((s) => s.testsPassed <= s.testsTotal, { message: "testsPassed exceeds testsTotal", path: ["testsPassed"] });

/**
 * devLab — hands-on coding exercises of the courses in scope and the submissions inside the
 * window, oldest first. Courses without labs have no exercises.
 */
export const devLabPayload = servicePayload(
  "devLab",
  z.object({ exercises: z.array(exerciseSchema), submissions: z.array(submissionSchema) }),
);

export type DevLabPayload = z.infer<typeof devLabPayload>;
export type LabSubmission = z.infer<typeof submissionSchema>;
