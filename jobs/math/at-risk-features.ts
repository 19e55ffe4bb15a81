import { mean } from "../../core/domain/stats";

/**
 * The source-neutral description of one learner in one course at one moment, and the features the
 * at-risk model is built on. Only `atRiskInput` in jobs/analyze/course-risk.ts produces one, from
 * upstream evidence: the live pipeline and the OULAD evaluation (which converts OULAD into that
 * evidence) share it, so the default model fitted on OULAD applies unchanged to the organisation's data.
 * Days are days since the course start (negative = before it), fractions allowed.
 */

export interface AtRiskAssessment {
  /** Identifies the assessment across learners. */
  id?: string;
  /** Deadline; null when the assessment has none (it is then never "due" or "late"). */
  dueDay: number | null;
  /** Its share of the course grade in any unit (weights are normalised); 0 for formative ones. */
  weight: number;
  /** When the learner submitted it; null if not (yet). Submissions after `asOfDay` are ignored. */
  submittedDay: number | null;
  /** Score as a share of the maximum, 0..1; null when unknown or not graded. */
  score: number | null;
  /** Mean score (0..1) of the learner's cohort on it as known at `asOfDay`; null when unknown or the cohort is too small. */
  cohortMeanScore?: number | null;
}

export interface AtRiskInput {
  /** The moment of the prediction. */
  asOfDay: number;
  courseLengthDays: number;
  /** Every assessment of the course, submitted or not, due or not. */
  assessments: readonly AtRiskAssessment[];
  /** Days with any learning activity (any order, duplicates allowed); omit when unknown. */
  activityDays?: readonly number[];
  /** When the learner enrolled; omit when unknown. */
  registrationDay?: number | null;
  /** Earlier attempts at this course; omit when unknown. */
  priorAttempts?: number | null;
  /** Courses studied at the same time, this one included, in standard-course equivalents; omit when unknown. */
  concurrentCourses?: number | null;
  /** Share of learners who failed or did not complete earlier offerings of the course; omit when unknown. */
  courseFailRate?: number | null;
}

export const AT_RISK_FEATURE_NAMES = [
  "elapsed",
  "noneDue",
  "missedShare",
  "lastMissed",
  "lateShare",
  "lateTime",
  "earlyTime",
  "noScore",
  "weightedScore",
  "scoreTrend",
  "earnedShare",
  "relativeScore",
  "aheadCount",
  "sinceSubmission",
  "registration",
  "priorAttempts",
  "concurrentCourses",
  "courseFailRate",
  "activeShare",
  "sinceActivity",
] as const;
export type AtRiskFeatureName = (typeof AT_RISK_FEATURE_NAMES)[number];

/**
 * The direction in which each feature is expected to move the risk (+1: higher value, more risk;
 * −1: less), where there is one a trainer would take for granted. The fit keeps a feature only if
 * its coefficient agrees, so an explanation never lists "0 % missed" or "an 89 % average" as a
 * reason for concern. Features without an obvious direction (nothing due yet, enrolment date) are free.
 */
export const AT_RISK_DIRECTION: Partial<Record<AtRiskFeatureName, 1 | -1>> = {
  missedShare: 1,
  lastMissed: 1,
  lateShare: 1,
  lateTime: 1,
  earlyTime: -1,
  noScore: 1,
  weightedScore: -1,
  scoreTrend: -1,
  earnedShare: -1,
  relativeScore: -1,
  aheadCount: -1,
  sinceSubmission: 1,
  priorAttempts: 1,
  concurrentCourses: 1,
  courseFailRate: 1,
  activeShare: -1,
  sinceActivity: 1,
};

/** A feature value, or null when the learner's data cannot say (the model then uses its training mean). */
export type AtRiskFeatures = Record<AtRiskFeatureName, number | null>;

/**
 * Durations are shares of the course length, so that the model transfers between a 9-month OULAD
 * module and a two-week course; beyond a tenth of the course, lateness and silence add little and
 * unbounded values would dominate a linear model.
 */
export const CAP_SHARE = 0.1;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** Weighted mean, with equal weights when every weight is 0 (formative assessments still count). */
function weightedMean(values: readonly number[], weights: readonly number[]): number | null {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return mean(values);
  return values.reduce((sum, v, i) => sum + v * weights[i]!, 0) / total;
}

const isKnown = (a: AtRiskAssessment, day: number) => a.submittedDay !== null && a.submittedDay <= day;

/**
 * Features of one learner at `asOfDay`, from what is known then (submissions up to that day).
 * Durations t are expressed as t / courseLengthDays and capped at 0.1.
 * - elapsed: asOfDay / courseLengthDays in 0..1 (selects the model stage; not a regressor).
 * - noneDue: 1 while nothing is due. missedShare: weighted share of the due assessments not
 *   submitted; lastMissed: 1 if the latest due one was not submitted.
 * - lateShare, lateTime, earlyTime: over submitted assessments with a deadline, the share past it,
 *   the mean time late and the mean time early.
 * - noScore: 1 without a known score. weightedScore: weighted mean of the known scores; scoreTrend:
 *   last − first known score, in submission order. earnedShare: Σ weight·score over due assessments
 *   (0 when missed) / Σ their weights. relativeScore: mean of (score − cohort mean score).
 * - aheadCount: assessments submitted though not yet due.
 * - sinceSubmission: time since the latest submission (or since the later of start and registration).
 * - registration: registrationDay / length in −1..elapsed; priorAttempts (capped at 3),
 *   concurrentCourses, courseFailRate: as given. (A withdrawn learner is not scored at all.)
 * - activeShare: active days / days since the later of start and registration; sinceActivity:
 *   time since the latest active day.
 */
export function atRiskFeatures(input: AtRiskInput): AtRiskFeatures {
  const day = input.asOfDay;
  const length = Math.max(1, input.courseLengthDays);
  const time = (days: number) => clamp(days / length, 0, CAP_SHARE);
  const known = input.assessments.map((a) => ({ ...a, submitted: isKnown(a, day), score: isKnown(a, day) ? a.score : null }));
  const due = known.filter((a) => a.dueDay !== null && a.dueDay <= day).sort((a, b) => a.dueDay! - b.dueDay!);
  const submitted = known.filter((a) => a.submitted);
  const scored = submitted.filter((a) => a.score !== null).sort((a, b) => a.submittedDay! - b.submittedDay!);
  const timed = submitted.filter((a) => a.dueDay !== null);
  const scores = scored.map((a) => a.score!);
  const compared = scored.filter((a) => a.cohortMeanScore != null);
  const dueWeights = due.map((a) => a.weight);
  const startedDay = Math.max(0, input.registrationDay ?? 0);
  const lastSubmission = submitted.length ? Math.max(...submitted.map((a) => a.submittedDay!)) : startedDay;
  const activity = input.activityDays?.filter((d) => d <= day);

  return {
    elapsed: clamp(day / length, 0, 1),
    noneDue: due.length ? 0 : 1,
    missedShare: due.length
      ? weightedMean(
          due.map((a) => (a.submitted ? 0 : 1)),
          dueWeights,
        )
      : 0,
    lastMissed: due.length && !due[due.length - 1]!.submitted ? 1 : 0,
    lateShare: mean(timed.map((a) => (a.submittedDay! > a.dueDay! ? 1 : 0))),
    lateTime: mean(timed.map((a) => time(a.submittedDay! - a.dueDay!))),
    earlyTime: mean(timed.map((a) => time(a.dueDay! - a.submittedDay!))),
    noScore: scores.length ? 0 : 1,
    weightedScore: scores.length
      ? weightedMean(
          scores,
          scored.map((a) => a.weight),
        )
      : null,
    scoreTrend: scores.length > 1 ? scores[scores.length - 1]! - scores[0]! : null,
    earnedShare: due.length
      ? weightedMean(
          due.map((a) => a.score ?? 0),
          dueWeights,
        )
      : null,
    relativeScore: mean(compared.map((a) => a.score! - a.cohortMeanScore!)),
    aheadCount: submitted.filter((a) => a.dueDay !== null && a.dueDay > day).length,
    sinceSubmission: time(day - lastSubmission),
    registration: input.registrationDay == null ? null : clamp(input.registrationDay / length, -1, day / length),
    priorAttempts: input.priorAttempts == null ? null : Math.min(3, input.priorAttempts),
    concurrentCourses: input.concurrentCourses ?? null,
    courseFailRate: input.courseFailRate ?? null,
    activeShare: activity ? clamp(new Set(activity.map(Math.floor)).size / Math.max(1, day - startedDay), 0, 1) : null,
    sinceActivity: activity ? time(day - (activity.length ? Math.max(...activity) : startedDay)) : null,
  };
}
