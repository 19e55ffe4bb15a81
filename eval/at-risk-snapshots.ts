import { atRiskInput, type CourseRiskContext, cohortMeanScores, courseFailRate, type RiskEvidence } from "../jobs/analyze/course-risk";
import { type AtRiskFeatures, atRiskFeatures, DAY_MS } from "../jobs/math";
import { type OuladStudent, offeringOutcomes } from "./oulad";

/** The smallest group the pipeline takes a cohort figure from (organisations' default min_group_size). */
export const MIN_GROUP_SIZE = 5;

/** What the pipeline would hold for one OULAD student: their evidence as the upstream services would serve it. */
export function evidenceOf(student: OuladStudent, concurrent: boolean): RiskEvidence {
  return {
    sources: { contentStudio: "missing", devLab: "missing", ragAssistant: "missing" },
    enrolments: Array.from({ length: concurrent ? student.concurrentEnrolments : 1 }, () => ({ status: "in_progress" as const })),
    assessments: student.course.assessments,
    attempts: student.attempts,
    contentEvents: [],
    labSubmissions: [],
    assistantSessions: [],
  };
}

export const cutOff = (student: OuladStudent, day: number) => new Date(student.course.start + day * DAY_MS);

/** Whether the pipeline scores the student at `day`: one withdrawn by then has the status "withdrawn" instead. */
export const scored = (student: OuladStudent, day: number) =>
  student.enrolment.withdrawnAt === null || Date.parse(student.enrolment.withdrawnAt) > cutOff(student, day).getTime();

/**
 * Each course's context at `day`, by the pipeline's definitions: cohort mean scores from every
 * student of the presentation with a submitted score by then (at least MIN_GROUP_SIZE of them),
 * and the fail rate of the module's earlier offerings among `all` (for 2014J, 2013J; for 2013J,
 * none in this subset: null — never the offering's own rate, which is the label).
 */
export function contextsAt(students: readonly OuladStudent[], all: readonly OuladStudent[], day: number): Map<string, CourseRiskContext> {
  const byCourse = new Map<string, OuladStudent[]>();
  for (const s of students) byCourse.set(s.course.id, [...(byCourse.get(s.course.id) ?? []), s]);
  return new Map(
    [...byCourse].map(([courseId, cohort]) => {
      const course = cohort[0]!.course;
      const history = [...new Set(all.map((s) => s.course))]
        .filter((c) => c.module === course.module && c.start < course.start)
        .map((c) => offeringOutcomes(all.filter((s) => s.course === c)));
      return [
        courseId,
        {
          cohortMeanScores: cohortMeanScores(
            cohort.flatMap((s) => s.attempts),
            cutOff(cohort[0]!, day),
            MIN_GROUP_SIZE,
          ),
          courseFailRate: courseFailRate(history, MIN_GROUP_SIZE),
        },
      ];
    }),
  );
}

export interface Snapshot {
  student: OuladStudent;
  day: number;
  context: CourseRiskContext;
  features: AtRiskFeatures;
}

/** The scored students at `day` with their features through the pipeline's mapping. */
export function snapshotsAt(students: readonly OuladStudent[], all: readonly OuladStudent[], day: number, concurrent: boolean): Snapshot[] {
  const contexts = contextsAt(students, all, day);
  return students
    .filter((s) => scored(s, day))
    .map((student) => {
      const context = contexts.get(student.course.id) ?? { cohortMeanScores: new Map(), courseFailRate: null };
      return {
        student,
        day,
        context,
        features: atRiskFeatures(atRiskInput(evidenceOf(student, concurrent), student.enrolment, cutOff(student, day), context)),
      };
    });
}
