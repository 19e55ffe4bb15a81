export interface EngagementInput {
  /** Length of the window in days. */
  windowDays: number;
  /** Distinct days in the window with any activity in any service. */
  activeDays: number;
  /** Minutes with authenticated requests (auth); omit when unknown. */
  activeMinutes?: number;
  /** Content items opened and finished (contentStudio); omit when unknown. */
  contentStarted?: number;
  contentCompleted?: number;
  /** Passed lab submissions (devLab); omit when the learner's courses have no labs (see `labPassedIn`). */
  labPassed?: number;
  /** Assistant questions, and those of them marked unhelpful (ragAssistant); omit when unknown. */
  assistantQuestions?: number;
  assistantUnhelpful?: number;
}

export type EngagementComponentName = "regularity" | "time" | "completion" | "practice" | "helpSeeking";

export interface EngagementComponent {
  /** 0..1, saturating at the healthy target. */
  value: number;
  /** Weight after renormalising over the components with data. */
  weight: number;
  /** 100 × weight × value: its points of the score. */
  contribution: number;
}

export interface Engagement {
  score: number;
  components: Partial<Record<EngagementComponentName, EngagementComponent>>;
}

/** Nominal weights (sum 1): showing up regularly matters most, then time and finishing what is started. */
export const ENGAGEMENT_WEIGHTS: Readonly<Record<EngagementComponentName, number>> = Object.freeze({
  regularity: 0.3,
  time: 0.2,
  completion: 0.2,
  practice: 0.15,
  helpSeeking: 0.15,
});

/** Healthy targets at which a component saturates at 1. */
export const ENGAGEMENT_TARGETS = Object.freeze({
  /** Active on 3 days of 7. */
  activeDayShare: 3 / 7,
  minutesPerWeek: 120,
  labPassesPerWeek: 1,
  questionsPerWeek: 2,
});

const saturate = (value: number) => Math.min(1, Math.max(0, value));

/** A course's structure as far as labs go (courseBuilder: modules of units, `lab` units run in devLab). */
export interface LabCourse {
  id: string;
  modules: readonly { units: readonly { kind: string }[] }[];
}

/**
 * `labPassed` for `engagementScore`: the passed submissions in those of the learner's courses that
 * have a lab unit. Undefined when none of them has one (or their structure is unknown), so the
 * practice component is left out instead of counting a course without labs as no practice.
 */
export function labPassedIn(
  courseIds: readonly string[],
  courses: readonly LabCourse[],
  submissions: readonly { courseId: string; passed: boolean }[],
): number | undefined {
  const withLabs = new Set(
    courses.filter((c) => courseIds.includes(c.id) && c.modules.some((m) => m.units.some((u) => u.kind === "lab"))).map((c) => c.id),
  );
  if (!withLabs.size) return undefined;
  return submissions.filter((s) => s.passed && withLabs.has(s.courseId)).length;
}

/**
 * Engagement score 0..100 = 100 × Σ weightᵢ × valueᵢ over the components with data, with
 * - regularity = (activeDays / windowDays) / (3/7),
 * - time = active minutes per week / 120,
 * - completion = contentCompleted / contentStarted (0 when nothing was started),
 * - practice = passed labs per week / 1,
 * - helpSeeking = (questions − those marked unhelpful) per week / 2,
 * each clamped to 0..1. A component whose input is omitted (service missing, no labs in the
 * course) is left out and the other weights are renormalised to sum 1, so it neither lowers nor
 * inflates the score.
 */
export function engagementScore(input: EngagementInput): Engagement {
  const weeks = Math.max(input.windowDays, 1) / 7;
  const values: Partial<Record<EngagementComponentName, number>> = {
    regularity: saturate(input.activeDays / Math.max(input.windowDays, 1) / ENGAGEMENT_TARGETS.activeDayShare),
  };
  if (input.activeMinutes !== undefined) values.time = saturate(input.activeMinutes / weeks / ENGAGEMENT_TARGETS.minutesPerWeek);
  if (input.contentStarted !== undefined) {
    values.completion = input.contentStarted > 0 ? saturate((input.contentCompleted ?? 0) / input.contentStarted) : 0;
  }
  if (input.labPassed !== undefined) values.practice = saturate(input.labPassed / weeks / ENGAGEMENT_TARGETS.labPassesPerWeek);
  if (input.assistantQuestions !== undefined) {
    const answered = input.assistantQuestions - (input.assistantUnhelpful ?? 0);
    values.helpSeeking = saturate(answered / weeks / ENGAGEMENT_TARGETS.questionsPerWeek);
  }
  const present = Object.keys(values) as EngagementComponentName[];
  const totalWeight = present.reduce((s, name) => s + ENGAGEMENT_WEIGHTS[name], 0);
  const components: Engagement["components"] = {};
  let score = 0;
  for (const name of present) {
    const weight = ENGAGEMENT_WEIGHTS[name] / totalWeight;
    const contribution = 100 * weight * values[name]!;
    components[name] = { value: values[name]!, weight, contribution };
    score += contribution;
  }
  return { score, components };
}
