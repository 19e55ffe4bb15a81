import type { RiskAssessment, RiskEnrolment } from "../jobs/analyze/course-risk";
import { DAY_MS } from "../jobs/math";
import { readCsv } from "./csv";

/**
 * OULAD "J" presentations converted into the upstream contracts' shapes (contract v2), so that the
 * evaluation runs the pipeline's own mapping (jobs/analyze/course-risk.ts) on them. Nothing here
 * computes a feature.
 */

/** The protected attributes the fairness report groups by; read here only, never by the pipeline. */
export interface Demographics {
  gender: string;
  age_band: string;
  disability: string;
  imd_band: string;
}

export interface OuladAttempt {
  learnerId: string;
  assessmentId: string;
  courseId: string;
  submittedAt: string;
  score: number;
  maxScore: number;
}

/** One presentation of a module as a course: its start (day 0), assessments and earlier offerings' outcomes. */
export interface OuladCourse {
  id: string;
  module: string;
  presentation: string;
  start: number;
  assessments: RiskAssessment[];
}

/** One student in one presentation, with everything OULAD records (the cut-off is applied by the mapping). */
export interface OuladStudent {
  learnerId: string;
  course: OuladCourse;
  enrolment: RiskEnrolment;
  /** In-progress enrolments at the same time (this one included), from the credits studied: an OU module is 60 credits. */
  concurrentEnrolments: number;
  attempts: OuladAttempt[];
  failed: boolean;
  demographics: Demographics;
}

/** A J presentation starts in October: day 0 of "2013J" is 2013-10-01 (any fixed date would do). */
const startOf = (presentation: string) => Date.UTC(Number(presentation.slice(0, 4)), 9, 1);
const at = (start: number, days: number) => new Date(start + days * DAY_MS).toISOString();
const optional = (value: string | undefined) => (value === undefined || value === "" || value === "?" ? null : Number(value));

/**
 * Reads the presentations as contract shapes: a course per presentation, with each assessment's
 * deadline (`dueAt` = start + date) and weight; per student an enrolment (enrolledAt = start +
 * date_registration, startedAt = the module start, withdrawnAt = start + date_unregistration,
 * dueAt = the module's end, previousAttempts = num_of_prev_attempts) and one attempt per
 * submission (submittedAt = start + date_submitted, score of 100). The 18 submissions without a
 * score cannot be expressed as attempts and are left out. OULAD's subset has no per-day activity,
 * so the activity services are absent (their features are unknown, not zero).
 */
export function loadOulad(dir: URL): OuladStudent[] {
  const lengths = new Map(
    readCsv(new URL("courses.csv", dir)).map((c) => [`${c.code_module}/${c.code_presentation}`, Number(c.module_presentation_length)]),
  );
  const courses = new Map<string, OuladCourse>();
  for (const [id, _length] of lengths) {
    const [module = "", presentation = ""] = id.split("/");
    courses.set(id, { id, module, presentation, start: startOf(presentation), assessments: [] });
  }
  const assessmentCourse = new Map<string, OuladCourse>();
  for (const a of readCsv(new URL("assessments.csv", dir))) {
    const course = courses.get(`${a.code_module}/${a.code_presentation}`);
    if (!course) continue;
    const date = optional(a.date);
    course.assessments.push({
      id: a.id_assessment ?? "",
      courseId: course.id,
      dueAt: date === null ? null : at(course.start, date),
      weight: Number(a.weight),
    });
    assessmentCourse.set(a.id_assessment ?? "", course);
  }
  const registrations = new Map(
    readCsv(new URL("studentRegistration.csv", dir)).map((r) => [`${r.code_module}/${r.code_presentation}/${r.id_student}`, r]),
  );
  const attempts = new Map<string, OuladAttempt[]>();
  for (const s of readCsv(new URL("studentAssessment.csv", dir))) {
    const course = assessmentCourse.get(s.id_assessment ?? "");
    const day = optional(s.date_submitted);
    const score = optional(s.score);
    if (!course || day === null || score === null) continue;
    const key = `${course.id}/${s.id_student}`;
    const list = attempts.get(key) ?? [];
    list.push({
      learnerId: s.id_student ?? "",
      assessmentId: s.id_assessment ?? "",
      courseId: course.id,
      submittedAt: at(course.start, day),
      score,
      maxScore: 100,
    });
    attempts.set(key, list);
  }

  return readCsv(new URL("studentInfo.csv", dir)).flatMap((info) => {
    const course = courses.get(`${info.code_module}/${info.code_presentation}`);
    if (!course) return [];
    const key = `${course.id}/${info.id_student}`;
    const registration = registrations.get(key);
    const registered = optional(registration?.date_registration);
    const unregistered = optional(registration?.date_unregistration);
    return [
      {
        learnerId: info.id_student ?? "",
        course,
        enrolment: {
          courseId: course.id,
          enrolledAt: at(course.start, registered ?? 0),
          startedAt: at(course.start, 0),
          completedAt: null,
          withdrawnAt: unregistered === null ? null : at(course.start, unregistered),
          dueAt: at(course.start, lengths.get(course.id) ?? 0),
          status: "in_progress" as const,
          previousAttempts: Number(info.num_of_prev_attempts),
          unitCompletions: [],
        },
        concurrentEnrolments: Math.max(1, Math.round(Number(info.studied_credits) / 60)),
        attempts: attempts.get(key) ?? [],
        failed: info.final_result === "Fail",
        demographics: {
          gender: info.gender ?? "",
          age_band: info.age_band ?? "",
          disability: info.disability ?? "",
          imd_band: info.imd_band || "unknown",
        },
      },
    ];
  });
}

/** A presentation's outcomes as contract v2's `course.history` entry (aggregates only). */
export function offeringOutcomes(students: readonly OuladStudent[]) {
  return {
    learners: students.length,
    failed: students.filter((s) => s.failed).length,
    withdrawn: 0,
  };
}
