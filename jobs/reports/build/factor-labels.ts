/**
 * Human labels for at-risk factors stored without one: rows analysed before `courseRisk` labelled
 * its factors carry only the feature's code name. Worded as the labelled ones are, a fact that the
 * value completes ("No activity for" 10 % of the course); durations are stored as shares of the
 * course length (jobs/math/at-risk-features.ts), and without the course length read as such.
 */

type Kind = "flag" | "share" | "courseTime" | "count" | "points";

const FACTORS: Record<string, { label: string; kind: Kind }> = {
  noneDue: { label: "Nothing due yet", kind: "flag" },
  missedShare: { label: "Due assessments missed", kind: "share" },
  lastMissed: { label: "Missed the last assessment", kind: "flag" },
  lateShare: { label: "Submissions past the deadline", kind: "share" },
  lateTime: { label: "Average delay past the deadline", kind: "courseTime" },
  earlyTime: { label: "Average time submitted before the deadline", kind: "courseTime" },
  noScore: { label: "No score yet", kind: "flag" },
  weightedScore: { label: "Average score", kind: "share" },
  scoreTrend: { label: "Score change, first to latest", kind: "points" },
  earnedShare: { label: "Marks earned on due assessments", kind: "share" },
  relativeScore: { label: "Score against the cohort's mean", kind: "points" },
  aheadCount: { label: "Assessments submitted before they were due", kind: "count" },
  sinceSubmission: { label: "No submission for", kind: "courseTime" },
  registration: { label: "Enrolled after the start by", kind: "courseTime" },
  withdrawn: { label: "Withdrawn", kind: "flag" },
  priorAttempts: { label: "Earlier attempts at this course", kind: "count" },
  concurrentCourses: { label: "Courses in progress at once", kind: "count" },
  courseFailRate: { label: "Earlier offerings not passed", kind: "share" },
  activeShare: { label: "Days active since the start", kind: "share" },
  sinceActivity: { label: "No activity for", kind: "courseTime" },
};

const percent = (value: number) => `${Math.round(value * 100)} %`;

const DISPLAY: Record<Kind, (value: number) => string> = {
  flag: () => "yes",
  share: percent,
  courseTime: (value) => `${percent(value)} of the course`,
  count: (value) => String(Math.round(value * 10) / 10),
  points: (value) => `${value > 0 ? "+" : value < 0 ? "−" : ""}${Math.abs(Math.round(value * 100))} points`,
};

/** The label and value as read of a factor stored with its code name only (an unknown code is shown as is). */
export function legacyFactorText(feature: string, value: number | null): { label: string; display: string } {
  const known = Object.hasOwn(FACTORS, feature) ? FACTORS[feature] : undefined;
  if (!known) return { label: feature, display: value === null ? "" : String(value) };
  return { label: known.label, display: value === null ? "" : DISPLAY[known.kind](value) };
}
