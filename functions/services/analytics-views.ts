import type { z } from "@hono/zod-openapi";
import { mean } from "../../core/domain/stats";
import { DAY_MS, WEEK_MS } from "../../core/domain/time";
import type { LearnerMetrics } from "../../jobs/analyze/learner-metrics";
import { SERVICES } from "../../jobs/collect/contracts";
import { scoreDistribution, TIME_RANGE_DAYS, type TimeRange } from "../../jobs/math";
import type { learnerAnalyticsSchema, organizationAnalyticsSchema, trainerAnalyticsSchema } from "../schemas/analytics";

export type LearnerAnalyticsBody = z.infer<typeof learnerAnalyticsSchema>;
export type TrainerAnalyticsBody = z.infer<typeof trainerAnalyticsSchema>;
export type OrganizationAnalyticsBody = z.infer<typeof organizationAnalyticsSchema>;
type Sources = LearnerAnalyticsBody["sources"];

/** How many of the stored weekly velocity figures a time range covers (the collected window is 13 weeks). */
const WEEKS: Record<TimeRange, number> = { "7d": 1, "30d": 4, "90d": 13, "1y": 52 };
/** Trainers see a learner as at risk from this probability on. */
const AT_RISK_FROM = 0.5;

const round = (value: number | null, digits = 4) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/** Per service, how many of the subjects' analytics it contributed to. */
export function countSources(metrics: LearnerMetrics[]): Sources {
  return Object.fromEntries(
    SERVICES.map((service) => {
      const ok = metrics.filter((m) => m.sources[service] === "ok").length;
      return [service, { ok, missing: metrics.length - ok }];
    }),
  ) as Sources;
}

export const rangeStart = (timeRange: TimeRange, now: Date) => new Date(now.getTime() - TIME_RANGE_DAYS[timeRange] * DAY_MS);

export function pendingLearner(userId: string, timeRange: TimeRange, runId: string): LearnerAnalyticsBody {
  return {
    subject: { type: "learner", id: userId },
    state: "pending",
    timeRange,
    computedAt: null,
    dataAsOf: null,
    runId,
    sources: countSources([]),
    velocity: null,
    mastery: null,
    skillGaps: null,
    engagement: null,
  };
}

/** A learner's answer from their latest analytics, cut to the time range. */
export function learnerView(
  userId: string,
  row: { runId: string; metrics: LearnerMetrics; computedAt: Date },
  timeRange: TimeRange,
  includePredictions: boolean,
): LearnerAnalyticsBody {
  const { metrics } = row;
  const weekly = metrics.velocity.weekly.slice(-WEEKS[timeRange]);
  const to = Date.parse(metrics.window.to);
  return {
    subject: { type: "learner", id: userId },
    state: "ready",
    timeRange,
    computedAt: row.computedAt.toISOString(),
    dataAsOf: metrics.window.to,
    runId: row.runId,
    sources: countSources([metrics]),
    velocity: {
      unitsPerWeek: round(mean(weekly) ?? 0, 3)!,
      trend: metrics.velocity.trend,
      peerPercentile: metrics.velocity.peerPercentile,
      weekly,
      window: { from: new Date(to - weekly.length * WEEK_MS).toISOString(), to: metrics.window.to },
    },
    mastery: metrics.mastery,
    skillGaps: metrics.skillGaps,
    engagement: {
      score: metrics.engagement.score,
      components: metrics.engagement.components as Record<string, { value: number; weight: number; contribution: number }>,
    },
    ...(includePredictions
      ? {
          predictions: {
            atRisk: metrics.atRisk,
            courses: metrics.courses.map((c) => ({
              courseId: c.courseId,
              title: c.title,
              atRisk: c.atRisk,
              projectedCompletion: c.projectedCompletion,
            })),
          },
        }
      : {}),
  };
}

type EnrolledRow = {
  courseId: string;
  userId: string;
  name: string;
  runId: string | null;
  metrics: LearnerMetrics | null;
  computedAt: Date | null;
};

/** A trainer's answer: per course they teach, performance, score distribution and at-risk learners. */
export function trainerView(
  trainerId: string,
  courses: { id: string; code: string; title: string }[],
  rows: EnrolledRow[],
  timeRange: TimeRange,
  pendingRunId: string | null,
): TrainerAnalyticsBody {
  const analysed = rows.filter(
    (row): row is EnrolledRow & { metrics: LearnerMetrics; computedAt: Date; runId: string } => row.metrics !== null,
  );
  const latest = analysed.reduce<(typeof analysed)[number] | null>(
    (top, row) => (!top || row.computedAt > top.computedAt ? row : top),
    null,
  );
  return {
    subject: { type: "trainer", id: trainerId },
    state: pendingRunId ? "pending" : "ready",
    timeRange,
    computedAt: latest?.computedAt.toISOString() ?? null,
    dataAsOf: latest?.metrics.window.to ?? null,
    runId: pendingRunId ?? latest?.runId ?? null,
    sources: countSources([...new Map(analysed.map((row) => [row.userId, row.metrics])).values()]),
    courses: courses.map((course) => {
      const enrolled = rows.filter((row) => row.courseId === course.id);
      const entries = analysed
        .filter((row) => row.courseId === course.id)
        .flatMap((row) => row.metrics.courses.filter((c) => c.courseId === course.id).map((entry) => ({ row, entry })));
      const scores = entries.flatMap(({ entry }) => (entry.averageScore === null ? [] : [entry.averageScore]));
      const completed = entries.filter(({ entry }) => entry.status === "completed").length;
      return {
        courseId: course.id,
        code: course.code,
        title: course.title,
        performance: {
          enrolled: enrolled.length,
          analysed: entries.length,
          completed,
          completionRate: entries.length ? round(completed / entries.length) : null,
          averageProgress: round(mean(entries.map(({ entry }) => entry.progress))),
          averageScore: round(mean(scores)),
        },
        scoreDistribution: scoreDistribution(scores),
        atRiskLearners: entries
          .filter(({ entry }) => entry.atRisk.probability >= AT_RISK_FROM)
          .sort((a, b) => b.entry.atRisk.probability - a.entry.atRisk.probability)
          .map(({ row, entry }) => ({
            userId: row.userId,
            name: row.name,
            probability: entry.atRisk.probability,
            factors: entry.atRisk.factors,
          })),
      };
    }),
  };
}

type AggregateRow = {
  level: string;
  groupKey: string;
  periodStart: Date;
  groupSize: number;
  metrics: unknown;
  runId: string | null;
  computedAt: Date;
};

/** An admin's answer: layer-3 aggregates only (small groups were never stored), with the trend over the range. */
export function organizationView(
  organizationId: string,
  minGroupSize: number,
  rows: AggregateRow[],
  titles: Map<string, string>,
  sources: Sources,
  timeRange: TimeRange,
  pendingRunId: string | null,
): OrganizationAnalyticsBody {
  const latestPeriod = rows.reduce((top, row) => Math.max(top, row.periodStart.getTime()), 0);
  const latest = rows.filter((row) => row.periodStart.getTime() === latestPeriod);
  const summary = latest.find((row) => row.level === "organization");
  const figures = (row: AggregateRow) => row.metrics as Record<string, unknown>;
  return {
    subject: { type: "organization", id: organizationId },
    state: pendingRunId ? "pending" : "ready",
    timeRange,
    computedAt: summary?.computedAt.toISOString() ?? null,
    dataAsOf: summary ? new Date(latestPeriod).toISOString() : null,
    runId: pendingRunId ?? summary?.runId ?? null,
    sources,
    minGroupSize,
    summary: summary ? figures(summary) : null,
    departments: latest
      .filter((row) => row.level === "department")
      .map((row) => ({ department: row.groupKey, learners: row.groupSize, figures: figures(row) })),
    courses: latest
      .filter((row) => row.level === "course")
      .map((row) => ({ courseId: row.groupKey, title: titles.get(row.groupKey) ?? null, learners: row.groupSize, figures: figures(row) })),
    trend: rows
      .filter((row) => row.level === "organization")
      .map((row) => ({ date: row.periodStart.toISOString().slice(0, 10), figures: figures(row) })),
  };
}
