import { STORED_RANGES, type StoredRange, storedRangeFor, TIME_RANGE_DAYS, type TimeRange } from "../../core/domain/time-range";
import {
  type BktParams,
  bktParamsOf,
  canReachMastery,
  DAY_MS,
  DEFAULT_BKT_PARAMS,
  engagementScore,
  labPassedIn,
  learningVelocity,
  MASTERY_THRESHOLD,
  masteredShare,
  projectCompletion,
  skillGapPriorities,
  traceLearner,
  WEEK_MS,
} from "../math";
import { type CourseRiskContext, courseRisk, EMPTY_RISK_CONTEXT } from "./course-risk";
import type { LearnerEvidence } from "./evidence";

/** Velocity and mastery look at the collected window; engagement at the recent month. */
export const ANALYSIS_WINDOW_DAYS = 90;
export const ENGAGEMENT_WINDOW_DAYS = 30;
/** Projections extrapolate from the most recent weeks only. */
const RECENT_WEEKS = 4;
const TOP_SKILL_GAPS = 10;

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;
const utcDay = (instant: string) => instant.slice(0, 10);

/** What a learner did in one stored range (see `ranges` below). */
export interface RangeFigures {
  from: string;
  to: string;
  unitsCompleted: number;
  unitsPerWeek: number;
  engagement: { score: number; components: Record<string, { value: number; weight: number; contribution: number }> };
  courses: { courseId: string; unitsCompleted: number; completed: boolean; averageScore: number | null; scoredAttempts: number }[];
}

/**
 * A learner's analytics (storage layer 2) from everything the services said about them, as of
 * `now`. Pure: the same evidence, models and clock give the same figures.
 */
export function learnerMetrics(
  evidence: LearnerEvidence,
  skillModels: ReadonlyMap<string, BktParams>,
  now: Date,
  /** Each course's cohort figures for the at-risk model (from SQL); a course without one gets none. */
  riskContexts: ReadonlyMap<string, CourseRiskContext> = new Map(),
) {
  const to = now.getTime();
  const from = to - ANALYSIS_WINDOW_DAYS * DAY_MS;
  const completions = evidence.enrolments.flatMap((e) => e.unitCompletions.map((u) => ({ courseId: e.courseId, at: u.completedAt })));
  const velocity = learningVelocity({ completedAt: completions.map((c) => c.at), from, to });

  const skillName = new Map(evidence.skills.map((s) => [s.id, s.name]));
  // One trace over all the learner's answers in time order (ties in attempt and item order, as the
  // fit's SQL orders them): the ability estimate and the forgetting between trials span skills.
  const answers = evidence.attempts
    .flatMap((attempt) => attempt.items.map((item) => ({ at: Date.parse(item.answeredAt), skillId: item.skillId, correct: item.correct })))
    .sort((a, b) => a.at - b.at);
  const paramsOf = (skillId: string) => skillModels.get(skillId) ?? DEFAULT_BKT_PARAMS;
  const mastery = new Map(
    [...traceLearner(answers, paramsOf).skills].map(([skillId, skill]) => [
      skillId,
      { probability: skill.mastery, responses: skill.responses, reachable: canReachMastery(bktParamsOf(paramsOf(skillId))) },
    ]),
  );
  const targetMasteries = evidence.targets.map((t) => mastery.get(t.skillId)?.probability ?? DEFAULT_BKT_PARAMS.pInit);

  /** Engagement over the `days` before `now`, from every service that answered. */
  const engagementOver = (days: number) => {
    const recent = (instant: string) => Date.parse(instant) >= to - days * DAY_MS && Date.parse(instant) < to;
    const activeDays = new Set([
      ...evidence.signIns.filter((d) => recent(`${d.day}T00:00:00Z`)).map((d) => d.day),
      ...completions.filter((c) => recent(c.at)).map((c) => utcDay(c.at)),
      ...evidence.contentEvents.filter((e) => recent(e.startedAt)).map((e) => utcDay(e.startedAt)),
      ...evidence.labSubmissions.filter((s) => recent(s.submittedAt)).map((s) => utcDay(s.submittedAt)),
    ]);
    const recentContent = evidence.contentEvents.filter((e) => recent(e.startedAt));
    const recentSessions = evidence.assistantSessions.filter((s) => recent(s.startedAt));
    const score = engagementScore({
      windowDays: days,
      activeDays: activeDays.size,
      ...(evidence.sources.auth === "ok"
        ? { activeMinutes: evidence.signIns.filter((d) => recent(`${d.day}T00:00:00Z`)).reduce((sum, d) => sum + d.activeMinutes, 0) }
        : {}),
      ...(evidence.sources.contentStudio === "ok"
        ? { contentStarted: recentContent.length, contentCompleted: recentContent.filter((e) => e.completed).length }
        : {}),
      ...(evidence.sources.devLab === "ok"
        ? {
            labPassed: labPassedIn(
              evidence.enrolments.map((e) => e.courseId),
              evidence.courses,
              evidence.labSubmissions.filter((s) => recent(s.submittedAt)),
            ),
          }
        : {}),
      ...(evidence.sources.ragAssistant === "ok"
        ? {
            assistantQuestions: recentSessions.reduce((sum, s) => sum + s.questions, 0),
            assistantUnhelpful: recentSessions.reduce((sum, s) => sum + s.unhelpfulVotes, 0),
          }
        : {}),
    });
    return { score: Math.round(score.score), components: score.components };
  };
  const engagement = engagementOver(ENGAGEMENT_WINDOW_DAYS);

  /** What the learner did in each stored range ending now: the figures every `timeRange` reads. */
  const ranges = Object.fromEntries(
    STORED_RANGES.map((range) => {
      const days = TIME_RANGE_DAYS[range];
      const since = to - days * DAY_MS;
      const inRange = (instant: string) => Date.parse(instant) >= since && Date.parse(instant) < to;
      const unitsCompleted = completions.filter((c) => inRange(c.at)).length;
      return [
        range,
        {
          from: new Date(since).toISOString(),
          to: now.toISOString(),
          unitsCompleted,
          unitsPerWeek: round(unitsCompleted / (days / 7), 3),
          engagement: engagementOver(days),
          courses: evidence.enrolments.map((enrolment) => {
            const scores = evidence.attempts
              .filter((a) => a.courseId === enrolment.courseId && inRange(a.submittedAt))
              .map((a) => a.score / a.maxScore);
            return {
              courseId: enrolment.courseId,
              unitsCompleted: completions.filter((c) => c.courseId === enrolment.courseId && inRange(c.at)).length,
              completed: enrolment.status === "completed" && enrolment.completedAt !== null && inRange(enrolment.completedAt),
              averageScore: scores.length ? round(scores.reduce((a, b) => a + b, 0) / scores.length) : null,
              scoredAttempts: scores.length,
            };
          }),
        },
      ];
    }),
  ) as Record<StoredRange, RangeFigures>;

  /**
   * Units completed per 24 hours over the analysis window, oldest first, the buckets ending at
   * `now` (so the last n of them are exactly the last n days, as every range counts them): the
   * source of every trend series.
   */
  const dailyUnits = new Array<number>(ANALYSIS_WINDOW_DAYS).fill(0);
  for (const completion of completions) {
    const at = Date.parse(completion.at);
    if (at >= from && at < to) dailyUnits[Math.floor((at - from) / DAY_MS)]! += 1;
  }

  const courses = evidence.enrolments.map((enrolment) => {
    const scores = evidence.attempts.filter((a) => a.courseId === enrolment.courseId).map((a) => a.score / a.maxScore);
    const weekly = learningVelocity({
      completedAt: completions.filter((c) => c.courseId === enrolment.courseId).map((c) => c.at),
      from: to - RECENT_WEEKS * WEEK_MS,
      to,
    }).weekly;
    const risk = courseRisk(evidence, enrolment, now, riskContexts.get(enrolment.courseId) ?? EMPTY_RISK_CONTEXT);
    return {
      courseId: enrolment.courseId,
      title: evidence.courses.find((c) => c.id === enrolment.courseId)?.title ?? null,
      status: enrolment.status,
      unitsCompleted: enrolment.unitsCompleted,
      unitsTotal: enrolment.unitsTotal,
      progress: enrolment.unitsTotal ? round(enrolment.unitsCompleted / enrolment.unitsTotal) : 0,
      averageScore: scores.length ? round(scores.reduce((a, b) => a + b, 0) / scores.length) : null,
      atRisk: {
        status: risk.status,
        probability: risk.probability === null ? null : round(risk.probability),
        factors: risk.factors.map((f) => ({ ...f, value: f.value === null ? null : round(f.value), contribution: round(f.contribution) })),
      },
      projectedCompletion:
        enrolment.status === "in_progress"
          ? projectCompletion({ asOf: to, unitsRemaining: enrolment.unitsTotal - enrolment.unitsCompleted, recentWeekly: weekly })
          : null,
    };
  });
  const riskiest = courses
    .flatMap((c) => (c.atRisk.probability === null ? [] : [{ ...c, probability: c.atRisk.probability }]))
    .sort((a, b) => b.probability - a.probability)[0];

  return {
    window: { from: new Date(from).toISOString(), to: now.toISOString() },
    sources: evidence.sources,
    velocity: {
      unitsPerWeek: round(velocity.perWeek, 3),
      trend: round(velocity.trend, 3),
      units: velocity.units,
      weekly: velocity.weekly,
      peerPercentile: null as number | null,
    },
    mastery: {
      overall: round(masteredShare(targetMasteries) ?? 0),
      threshold: MASTERY_THRESHOLD,
      skills: [...mastery]
        .map(([skillId, m]) => ({
          skillId,
          name: skillName.get(skillId) ?? null,
          probability: round(m.probability),
          responses: m.responses,
          mastered: m.probability >= MASTERY_THRESHOLD,
          /** False when the skill's fitted parameters never let anyone reach the threshold (`canReachMastery`). */
          masteryReachable: m.reachable,
        }))
        .sort((a, b) => a.skillId.localeCompare(b.skillId)),
    },
    skillGaps: skillGapPriorities(
      evidence.targets.map((t) => ({
        skillId: t.skillId,
        targetLevel: t.targetLevel,
        currentLevel: t.currentLevel,
        importance: t.importance,
        mastery: mastery.get(t.skillId)?.probability ?? null,
      })),
    )
      .slice(0, TOP_SKILL_GAPS)
      .map((gap) => ({ ...gap, name: skillName.get(gap.skillId) ?? null, priority: round(gap.priority), mastery: round(gap.mastery) })),
    engagement,
    ranges,
    daily: { from: new Date(from).toISOString(), units: dailyUnits },
    courses,
    // The riskiest scored course; without one, the first course's own status (completed or withdrawn).
    atRisk: riskiest
      ? { courseId: riskiest.courseId, ...riskiest.atRisk }
      : courses[0]
        ? { courseId: courses[0].courseId, ...courses[0].atRisk }
        : { courseId: null, status: "not_at_risk" as const, probability: null, factors: [] },
  };
}

export type LearnerMetrics = ReturnType<typeof learnerMetrics>;

/**
 * A layer-2 row's `metrics` as stored. Only `learnerMetrics` writes that column (through the
 * analyze step), so the stored JSON has its shape; the database layer hands it over untyped.
 */
export const storedLearnerMetrics = (value: unknown): LearnerMetrics => value as LearnerMetrics;

/** The stored figures that serve a requested range, or null for a row analysed before ranges were stored. */
export const rangeFigures = (metrics: LearnerMetrics, range: TimeRange): RangeFigures | null =>
  (metrics.ranges as Partial<Record<StoredRange, RangeFigures>> | undefined)?.[storedRangeFor(range)] ?? null;
