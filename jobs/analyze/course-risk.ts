import {
  type AtRiskInput,
  type AtRiskModel,
  type AtRiskPrediction,
  atRiskFeatures,
  DAY_MS,
  DEFAULT_AT_RISK_MODEL,
  predictAtRisk,
} from "../math";
import type { LearnerEvidence } from "./evidence";

/** A course without a due date is assumed to run this long (the simulator's and a typical cohort's span). */
const DEFAULT_COURSE_DAYS = 90;
/** Share of the grade by assessment kind: practice is formative (no weight). */
const KIND_WEIGHT = { practice: 0, quiz: 1, exam: 3 } as const;

const dayOf = (instant: string, start: number) => (Date.parse(instant) - start) / DAY_MS;

/**
 * The at-risk model's input for one enrolment, from the upstream evidence. The assessment contract
 * carries no deadlines, so each assessment is given one: spread evenly over the course in module
 * order, exams last, which is how the course builder lays courses out.
 */
export function atRiskInput(evidence: LearnerEvidence, enrolment: LearnerEvidence["enrolments"][number], now: Date): AtRiskInput {
  const start = Date.parse(enrolment.startedAt ?? enrolment.enrolledAt);
  const courseLengthDays = enrolment.dueAt ? Math.max(1, dayOf(enrolment.dueAt, start)) : DEFAULT_COURSE_DAYS;
  const course = evidence.courses.find((c) => c.id === enrolment.courseId);
  const modulePosition = new Map(course?.modules.map((m) => [m.id, m.position]) ?? []);
  const assessments = evidence.assessments
    .filter((a) => a.courseId === enrolment.courseId)
    .sort(
      (a, b) =>
        Number(a.kind === "exam") - Number(b.kind === "exam") ||
        (modulePosition.get(a.moduleId ?? "") ?? 0) - (modulePosition.get(b.moduleId ?? "") ?? 0),
    );
  const attemptsOf = (assessmentId: string) => evidence.attempts.filter((attempt) => attempt.assessmentId === assessmentId);
  const courseDays = (instants: string[]) => instants.map((instant) => dayOf(instant, start));

  return {
    asOfDay: dayOf(now.toISOString(), start),
    courseLengthDays,
    assessments: assessments.map((assessment, i) => {
      const attempts = attemptsOf(assessment.id);
      const best = attempts.reduce<number | null>((top, attempt) => Math.max(top ?? 0, attempt.score / attempt.maxScore), null);
      return {
        id: assessment.id,
        dueDay: (courseLengthDays * (i + 1)) / (assessments.length + 1),
        weight: KIND_WEIGHT[assessment.kind],
        submittedDay: attempts.length ? dayOf(attempts[0]!.submittedAt, start) : null,
        score: best,
        passMark: assessment.passMark === null ? undefined : assessment.passMark / assessment.maxScore,
      };
    }),
    activityDays: [
      ...courseDays(enrolment.unitCompletions.map((u) => u.completedAt)),
      ...courseDays(evidence.contentEvents.filter((e) => e.courseId === enrolment.courseId).map((e) => e.startedAt)),
      ...courseDays(evidence.labSubmissions.filter((s) => s.courseId === enrolment.courseId).map((s) => s.submittedAt)),
      ...courseDays(evidence.assistantSessions.filter((s) => s.courseId === enrolment.courseId).map((s) => s.startedAt)),
    ],
    registrationDay: dayOf(enrolment.enrolledAt, start),
    withdrawnDay: enrolment.withdrawnAt ? dayOf(enrolment.withdrawnAt, start) : null,
    concurrentCourses: evidence.enrolments.filter((e) => e.status === "in_progress").length || 1,
  };
}

/** The probability of not completing this enrolment, with the factors behind it; a completed course has none. */
export function courseRisk(
  evidence: LearnerEvidence,
  enrolment: LearnerEvidence["enrolments"][number],
  now: Date,
  model: AtRiskModel = DEFAULT_AT_RISK_MODEL,
): AtRiskPrediction {
  if (enrolment.status === "completed") return { probability: 0, factors: [] };
  return predictAtRisk(model, atRiskFeatures(atRiskInput(evidence, enrolment, now)));
}
