import type { AtRiskInput } from "../jobs/math/at-risk-features";
import { readCsv } from "./csv";

/** One student in one presentation, with everything OULAD records (the cut-off is applied later). */
export interface OuladStudent {
  key: string;
  module: string;
  presentation: string;
  failed: boolean;
  /** The assessment columns of the at-risk input, with every submission (however late). */
  input: Omit<AtRiskInput, "asOfDay">;
}

/**
 * OULAD "J" presentations as source-neutral at-risk inputs. Scores are on 0..100 and become shares;
 * studied credits become standard-course equivalents (an OU module is 60 credits). The subset has
 * no exams: the assessments listed are the course's marked assignments.
 */
export function loadOulad(dir: URL): OuladStudent[] {
  const lengths = new Map(
    readCsv(new URL("courses.csv", dir)).map((c) => [`${c.code_module}/${c.code_presentation}`, Number(c.module_presentation_length)]),
  );
  const assessments = readCsv(new URL("assessments.csv", dir));
  const registrations = new Map(
    readCsv(new URL("studentRegistration.csv", dir)).map((r) => [`${r.code_module}/${r.code_presentation}/${r.id_student}`, r]),
  );
  const submissions = new Map<string, Record<string, string>>();
  for (const s of readCsv(new URL("studentAssessment.csv", dir))) submissions.set(`${s.id_assessment}/${s.id_student}`, s);
  const optional = (value: string | undefined) => (value === undefined || value === "" ? null : Number(value));

  return readCsv(new URL("studentInfo.csv", dir)).map((info) => {
    const course = `${info.code_module}/${info.code_presentation}`;
    const registration = registrations.get(`${course}/${info.id_student}`);
    const own = assessments.filter((a) => `${a.code_module}/${a.code_presentation}` === course);
    return {
      key: `${course}/${info.id_student}`,
      module: info.code_module!,
      presentation: info.code_presentation!,
      failed: info.final_result === "Fail",
      input: {
        courseLengthDays: lengths.get(course)!,
        assessments: own.map((a) => {
          const submission = submissions.get(`${a.id_assessment}/${info.id_student}`);
          const score = optional(submission?.score);
          return {
            id: a.id_assessment!,
            dueDay: optional(a.date),
            weight: Number(a.weight),
            submittedDay: optional(submission?.date_submitted),
            score: score === null ? null : score / 100,
          };
        }),
        registrationDay: optional(registration?.date_registration),
        withdrawnDay: optional(registration?.date_unregistration),
        priorAttempts: Number(info.num_of_prev_attempts),
        concurrentCourses: Number(info.studied_credits) / 60,
      },
    };
  });
}
