/**
 * Human labels for at-risk factors stored without one: rows analysed before `courseRisk` labelled
 * its factors carry only the feature's code name. Durations are stored as shares of the course
 * length (jobs/math/at-risk-features.ts), so they read as such.
 */

type Kind = "flag" | "share" | "courseTime" | "count" | "points";

const FACTORS: Record<string, { label: string; kind: Kind }> = {
  noneDue: { label: "Nothing due yet", kind: "flag" },
  missedShare: { label: "Missed assessments", kind: "share" },
  lastMissed: { label: "Missed the last assessment", kind: "flag" },
  lateShare: { label: "Assessments submitted late", kind: "share" },
  lateTime: { label: "Time late on submissions", kind: "courseTime" },
  earlyTime: { label: "Little time ahead of deadlines", kind: "courseTime" },
  noScore: { label: "No score yet", kind: "flag" },
  weightedScore: { label: "Average score", kind: "share" },
  scoreTrend: { label: "Scores falling", kind: "points" },
  earnedShare: { label: "Share of the grade earned so far", kind: "share" },
  relativeScore: { label: "Scores against the cohort", kind: "points" },
  aheadCount: { label: "Assessments submitted early", kind: "count" },
  sinceSubmission: { label: "Time since the last submission", kind: "courseTime" },
  registration: { label: "Enrolment date", kind: "courseTime" },
  withdrawn: { label: "Withdrawn", kind: "flag" },
  priorAttempts: { label: "Earlier attempts at the course", kind: "count" },
  concurrentCourses: { label: "Courses at the same time", kind: "count" },
  courseFailRate: { label: "Fail rate of earlier offerings", kind: "share" },
  activeShare: { label: "Share of days active", kind: "share" },
  sinceActivity: { label: "Time since the last activity", kind: "courseTime" },
};

const percent = (value: number) => `${Math.round(value * 100)} %`;

const DISPLAY: Record<Kind, (value: number) => string> = {
  flag: () => "",
  share: percent,
  courseTime: (value) => `${percent(value)} of the course`,
  count: (value) => String(Math.round(value * 10) / 10),
  points: (value) => `${value > 0 ? "+" : ""}${Math.round(value * 100)} points`,
};

/** The label and value as read of a factor stored with its code name only (an unknown code is shown as is). */
export function legacyFactorText(feature: string, value: number | null): { label: string; display: string } {
  const known = Object.hasOwn(FACTORS, feature) ? FACTORS[feature] : undefined;
  if (!known) return { label: feature, display: value === null ? "" : String(value) };
  return { label: known.label, display: value === null ? "" : DISPLAY[known.kind](value) };
}
