import { type AtRiskFeatureName, CAP_SHARE } from "./at-risk-features";

/** How a trainer reads one feature: a label and the learner's value in the label's units. */
export interface FactorText {
  label: string;
  display: string;
}

export type FactorUnit = "yesNo" | "percent" | "points" | "days" | "count" | "registration" | "courses";

/**
 * Each feature's label, worded so that its value reads as a fact about the learner; a factor is
 * listed only when that fact raises the risk (e.g. "Average score 42 %" when 42 % is below the
 * training mean and lower scores mean more risk).
 */
const TEXT: Record<AtRiskFeatureName, { label: string; unit: FactorUnit }> = {
  elapsed: { label: "Share of the course elapsed", unit: "percent" },
  noneDue: { label: "Nothing due yet", unit: "yesNo" },
  missedShare: { label: "Due assessments missed (by weight)", unit: "percent" },
  lastMissed: { label: "Missed the last assessment", unit: "yesNo" },
  lateShare: { label: "Submissions past the deadline", unit: "percent" },
  lateTime: { label: "Average delay past the deadline", unit: "days" },
  earlyTime: { label: "Average time submitted before the deadline", unit: "days" },
  noScore: { label: "No score yet", unit: "yesNo" },
  weightedScore: { label: "Average score", unit: "percent" },
  scoreTrend: { label: "Score change, first to latest", unit: "points" },
  earnedShare: { label: "Marks earned on due assessments", unit: "percent" },
  relativeScore: { label: "Score against the cohort's mean", unit: "points" },
  aheadCount: { label: "Assessments submitted before they were due", unit: "count" },
  sinceSubmission: { label: "No submission for", unit: "days" },
  registration: { label: "Enrolled", unit: "registration" },
  priorAttempts: { label: "Earlier attempts at this course", unit: "count" },
  concurrentCourses: { label: "Courses in progress at once", unit: "courses" },
  courseFailRate: { label: "Earlier offerings not passed", unit: "percent" },
  activeShare: { label: "Days active since the start", unit: "percent" },
  sinceActivity: { label: "No activity for", unit: "days" },
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A feature's label and unit by its stored name; undefined for a name the model does not have (any more). */
export const factorTextOf = (feature: string): { label: string; unit: FactorUnit } | undefined =>
  Object.hasOwn(TEXT, feature) ? TEXT[feature as AtRiskFeatureName] : undefined;

/**
 * The label and displayed value of a feature. Durations are stored as shares of the course length
 * capped at CAP_SHARE, so they are turned back into days with `courseLengthDays`, and a capped one
 * reads "N days or more" (the model sees no difference beyond it).
 */
export function describeFactor(feature: AtRiskFeatureName, value: number | null, courseLengthDays: number): FactorText {
  const { label, unit } = TEXT[feature];
  if (value === null) return { label, display: "unknown" };
  const length = Math.max(1, courseLengthDays);
  const display = (() => {
    switch (unit) {
      case "yesNo":
        return value >= 0.5 ? "yes" : "no";
      case "percent":
        return `${Math.round(value * 100)} %`;
      case "points": {
        const points = Math.round(value * 100);
        return `${points > 0 ? "+" : points < 0 ? "−" : ""}${Math.abs(points)} points`;
      }
      case "days": {
        const days = Math.round(value * length);
        return value >= CAP_SHARE - 1e-9 ? `${plural(days, "day")} or more` : plural(days, "day");
      }
      case "count":
        return String(Math.round(value));
      case "courses":
        return String(Math.round(value * 10) / 10);
      case "registration": {
        const days = Math.round(value * length);
        return days < 0
          ? `${plural(-days, "day")} before the start`
          : days === 0
            ? "at the start"
            : `${plural(days, "day")} after the start`;
      }
    }
  })();
  return { label, display };
}
