import {
  AT_RISK_THRESHOLD,
  type AtRiskFeatureName,
  type AtRiskInput,
  type AtRiskModel,
  atRiskFeatures,
  DAY_MS,
  DEFAULT_AT_RISK_MODEL,
  predictAtRisk,
} from "../math";
import { describeFactor } from "../math/at-risk-factors";

/**
 * The at-risk model's one mapping from upstream evidence. The pipeline calls it with a learner's
 * gathered evidence; `npm run eval` converts OULAD into the same contract shapes and calls it too,
 * so the figures in docs/eval.json are those of the path the pipeline runs.
 */

/** A course with neither an enrolment deadline nor assessment deadlines is assumed to run this long. */
const DEFAULT_COURSE_DAYS = 90;

/** What the mapping reads of an assessment (contract v2 adds `dueAt` and `weight`; v1 payloads lack them). */
export interface RiskAssessment {
  id: string;
  courseId: string;
  dueAt?: string | null;
  /** Percent of the course grade; 0 for formative practice. */
  weight?: number;
}

/** What the mapping reads of an enrolment (contract v2 adds `previousAttempts`). */
export interface RiskEnrolment {
  courseId: string;
  enrolledAt: string;
  startedAt: string | null;
  completedAt: string | null;
  withdrawnAt: string | null;
  dueAt: string | null;
  status: "not_started" | "in_progress" | "completed" | "withdrawn";
  previousAttempts?: number;
  unitCompletions: readonly { completedAt: string }[];
}

/** The part of `LearnerEvidence` the mapping reads: the evaluation builds exactly this from OULAD. */
export interface RiskEvidence {
  /** Which activity services answered: without any, activity is unknown (not "none"). */
  sources: { contentStudio: "ok" | "missing"; devLab: "ok" | "missing"; ragAssistant: "ok" | "missing" };
  enrolments: readonly Pick<RiskEnrolment, "status">[];
  assessments: readonly RiskAssessment[];
  attempts: readonly { assessmentId: string; courseId: string; submittedAt: string; score: number; maxScore: number }[];
  contentEvents: readonly { courseId: string; startedAt: string }[];
  labSubmissions: readonly { courseId: string; submittedAt: string }[];
  assistantSessions: readonly { courseId: string | null; startedAt: string }[];
}

/** Course-level facts from other learners, filled by the analyze step from SQL (never from groups below min_group_size). */
export interface CourseRiskContext {
  /** Cohort mean score (0..1) per assessment id, as known at the time; absent when the cohort is too small. */
  cohortMeanScores: ReadonlyMap<string, number>;
  /** Share of learners who failed or withdrew in the course's earlier offerings; null when none is known. */
  courseFailRate: number | null;
}

export const EMPTY_RISK_CONTEXT: CourseRiskContext = { cohortMeanScores: new Map(), courseFailRate: null };

const dayOf = (instant: string, start: number) => (Date.parse(instant) - start) / DAY_MS;

/**
 * The at-risk input of one enrolment as known at `now`. Days count from the learner's start
 * (`startedAt`, else `enrolledAt`); the course length is the enrolment's deadline, else the latest
 * assessment deadline, else DEFAULT_COURSE_DAYS. Each assessment is submitted at its first attempt
 * and scored by its best attempt (score / maxScore) among the attempts submitted by `now`; a
 * missing weight counts as 0 (equal weights when all are 0) and a missing deadline as none.
 * Activity (unit completions, content, labs, assistant sessions) is unknown — null features, not
 * zero — when none of the activity services answered.
 */
export function atRiskInput(evidence: RiskEvidence, enrolment: RiskEnrolment, now: Date, context: CourseRiskContext): AtRiskInput {
  const start = Date.parse(enrolment.startedAt ?? enrolment.enrolledAt);
  const assessments = evidence.assessments.filter((a) => a.courseId === enrolment.courseId);
  const deadlines = assessments.flatMap((a) => (a.dueAt ? [dayOf(a.dueAt, start)] : []));
  const courseLengthDays = Math.max(
    1,
    enrolment.dueAt ? dayOf(enrolment.dueAt, start) : deadlines.length ? Math.max(...deadlines) : DEFAULT_COURSE_DAYS,
  );
  const known = evidence.attempts.filter(
    (attempt) => attempt.courseId === enrolment.courseId && Date.parse(attempt.submittedAt) <= now.getTime(),
  );
  const activityKnown =
    evidence.sources.contentStudio === "ok" || evidence.sources.devLab === "ok" || evidence.sources.ragAssistant === "ok";
  const ofCourse = <T extends { courseId: string | null }>(rows: readonly T[]) => rows.filter((row) => row.courseId === enrolment.courseId);

  return {
    asOfDay: dayOf(now.toISOString(), start),
    courseLengthDays,
    assessments: assessments.map((assessment) => {
      const attempts = known.filter((attempt) => attempt.assessmentId === assessment.id);
      const first = attempts.length ? Math.min(...attempts.map((attempt) => Date.parse(attempt.submittedAt))) : null;
      return {
        id: assessment.id,
        dueDay: assessment.dueAt ? dayOf(assessment.dueAt, start) : null,
        weight: assessment.weight ?? 0,
        submittedDay: first === null ? null : (first - start) / DAY_MS,
        score: attempts.length ? Math.max(...attempts.map((attempt) => attempt.score / attempt.maxScore)) : null,
        cohortMeanScore: context.cohortMeanScores.get(assessment.id) ?? null,
      };
    }),
    ...(activityKnown
      ? {
          activityDays: [
            ...enrolment.unitCompletions.map((u) => u.completedAt),
            ...ofCourse(evidence.contentEvents).map((e) => e.startedAt),
            ...ofCourse(evidence.labSubmissions).map((s) => s.submittedAt),
            ...ofCourse(evidence.assistantSessions).map((s) => s.startedAt),
          ].map((instant) => dayOf(instant, start)),
        }
      : {}),
    registrationDay: dayOf(enrolment.enrolledAt, start),
    priorAttempts: enrolment.previousAttempts ?? null,
    concurrentCourses: evidence.enrolments.filter((e) => e.status === "in_progress").length || 1,
    courseFailRate: context.courseFailRate,
  };
}

/** A reason behind a risk, for people: only factors that raise the risk are listed. */
export interface AtRiskFactor {
  feature: AtRiskFeatureName;
  /** Human wording, e.g. "Missed the last assessment". */
  label: string;
  /** The learner's feature value (null when unknown). */
  value: number | null;
  /** The value in the label's units, e.g. "yes", "16 days", "42 %". */
  display: string;
  /** Its additive share of the calibrated logit against an average learner; always > 0. */
  contribution: number;
}

export interface CourseRisk {
  status: "at_risk" | "not_at_risk" | "withdrawn" | "completed";
  /** Probability of failing or not completing; null for a withdrawn or completed enrolment. */
  probability: number | null;
  /** At most three, largest contribution first. */
  factors: AtRiskFactor[];
}

/**
 * The risk of failing or not completing this enrolment as of `now`. A completed enrolment, or one
 * withdrawn by `now`, is not scored: its outcome is known. Otherwise the enrolment is "at_risk"
 * from the model's threshold (AT_RISK_THRESHOLD for the default model).
 */
export function courseRisk(
  evidence: RiskEvidence,
  enrolment: RiskEnrolment,
  now: Date,
  context: CourseRiskContext,
  model: AtRiskModel = DEFAULT_AT_RISK_MODEL,
): CourseRisk {
  if (enrolment.status === "completed") return { status: "completed", probability: null, factors: [] };
  if (enrolment.status === "withdrawn" || (enrolment.withdrawnAt !== null && Date.parse(enrolment.withdrawnAt) <= now.getTime())) {
    return { status: "withdrawn", probability: null, factors: [] };
  }
  const input = atRiskInput(evidence, enrolment, now, context);
  const prediction = predictAtRisk(model, atRiskFeatures(input));
  return {
    status: prediction.probability >= (model.threshold ?? AT_RISK_THRESHOLD) ? "at_risk" : "not_at_risk",
    probability: prediction.probability,
    factors: prediction.factors.map((factor) => ({
      feature: factor.feature,
      ...describeFactor(factor.feature, factor.value, input.courseLengthDays),
      value: factor.value,
      contribution: factor.contribution,
    })),
  };
}

/** One earlier offering's outcomes, as contract v2's `course.history` lists them. */
export interface OfferingOutcomes {
  learners: number;
  failed: number;
  withdrawn: number;
}

/**
 * Course fail rate = Σ (failed + withdrawn) / Σ learners over the earlier offerings with at least
 * `minGroupSize` learners; null when there is none. (The pipeline computes it in SQL by this definition.)
 */
export function courseFailRate(history: readonly OfferingOutcomes[], minGroupSize: number): number | null {
  const counted = history.filter((offering) => offering.learners >= minGroupSize);
  const learners = counted.reduce((sum, o) => sum + o.learners, 0);
  return learners ? counted.reduce((sum, o) => sum + o.failed + o.withdrawn, 0) / learners : null;
}

/**
 * Cohort mean score of each assessment = mean over the course's learners with a submitted score
 * on it by `now` of each learner's best score / maxScore, kept only when at least `minGroupSize`
 * learners contribute. (The pipeline computes it in SQL by this definition.)
 */
export function cohortMeanScores(
  attempts: readonly { learnerId: string; assessmentId: string; submittedAt: string; score: number; maxScore: number }[],
  now: Date,
  minGroupSize: number,
): Map<string, number> {
  const best = new Map<string, Map<string, number>>();
  for (const attempt of attempts) {
    if (Date.parse(attempt.submittedAt) > now.getTime()) continue;
    const learners = best.get(attempt.assessmentId) ?? new Map<string, number>();
    learners.set(attempt.learnerId, Math.max(learners.get(attempt.learnerId) ?? 0, attempt.score / attempt.maxScore));
    best.set(attempt.assessmentId, learners);
  }
  return new Map(
    [...best]
      .filter(([, learners]) => learners.size >= minGroupSize)
      .map(([assessmentId, learners]) => [assessmentId, [...learners.values()].reduce((a, b) => a + b, 0) / learners.size]),
  );
}
