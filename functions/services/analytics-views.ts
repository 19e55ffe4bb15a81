import type { z } from "@hono/zod-openapi";
import { DECIMALS, roundOrNull, roundTo } from "../../core/domain/numbers";
import { mean } from "../../core/domain/stats";
import { DAY_MS } from "../../core/domain/time";
import { seriesStep, TIME_RANGE_DAYS, type TimeRange } from "../../core/domain/time-range";
import type { CourseRisk } from "../../jobs/analyze/course-risk";
import { ANALYSIS_WINDOW_DAYS, type LearnerMetrics, rangeFigures } from "../../jobs/analyze/learner-metrics";
import { type GroupFigures, groupFigures } from "../../jobs/analyze/stored-aggregates";
import { SERVICES } from "../../jobs/collect/contracts";
import { bucketSeries, halfOverHalf, scoreDistribution } from "../../jobs/math";
import type { learnerAnalyticsSchema, organizationAnalyticsSchema, trainerAnalyticsSchema } from "../schemas/analytics";

export type LearnerAnalyticsBody = z.infer<typeof learnerAnalyticsSchema>;
export type TrainerAnalyticsBody = z.infer<typeof trainerAnalyticsSchema>;
export type OrganizationAnalyticsBody = z.infer<typeof organizationAnalyticsSchema>;
type Sources = LearnerAnalyticsBody["sources"];
type Window = NonNullable<LearnerAnalyticsBody["window"]>;

/** The run that will fill an answer in, and when to ask again. */
export interface Pending {
  runId: string;
  status: string;
  retryAfterSeconds: number;
}

const p4 = (value: number) => roundTo(value, DECIMALS.probability);
const share = (value: number | null) => roundOrNull(value, DECIMALS.share);

/** A stored at-risk estimate (jobs/analyze/course-risk.ts `CourseRisk`, as JSON; the learner's riskiest has status null when no course is scored). */
type Risk = {
  status: CourseRisk["status"] | null;
  probability: number | null;
  factors: { feature: string; label: string; value: number | null; display: string; contribution: number }[];
};
/**
 * An at-risk estimate as the API shows it: probability, and each factor's value and contribution,
 * to 4 decimals. A factor whose contribution rounds to 0 does not visibly raise the risk: left out.
 */
const riskView = <R extends Risk>(risk: R): R => ({
  ...risk,
  probability: roundOrNull(risk.probability, DECIMALS.probability),
  factors: risk.factors
    .map((factor) => ({ ...factor, value: roundOrNull(factor.value, DECIMALS.probability), contribution: p4(factor.contribution) }))
    .filter((factor) => factor.contribution > 0),
});

/**
 * Whether a row's predictions carry the at-risk status and labelled factors. Rows analysed before
 * them hold another model's probabilities under another threshold, with factors named in code: they
 * are read as not analysed (like rows from before ranges were stored), so a run replaces them
 * rather than the old figures being shown under the new meaning. Rows are kept 7 days and every
 * learner is analysed each night, so this lasts one night at most.
 */
export const hasRiskStatus = (metrics: LearnerMetrics): boolean =>
  metrics.courses.every((course) => typeof (course.atRisk as Partial<Risk>).status === "string");

/** Per service, how many of the subjects' analytics it contributed to. */
export function countSources(metrics: LearnerMetrics[]): Sources {
  return Object.fromEntries(
    SERVICES.map((service) => {
      const ok = metrics.filter((m) => m.sources[service] === "ok").length;
      return [service, { ok, missing: metrics.length - ok }];
    }),
  ) as Sources;
}

/**
 * The window a range covers, ending at `to`. Personal data reaches back `ANALYSIS_WINDOW_DAYS`
 * (what the upstream services keep): a longer range is served from that and says so.
 */
export function rangeWindow(range: TimeRange, to: Date, what = "personal figures"): Window {
  const days = TIME_RANGE_DAYS[range];
  const covered = Math.min(days, ANALYSIS_WINDOW_DAYS);
  return {
    from: new Date(to.getTime() - covered * DAY_MS).toISOString(),
    to: to.toISOString(),
    complete: covered === days,
    note:
      covered === days
        ? null
        : `The upstream services keep ${ANALYSIS_WINDOW_DAYS} days: ${what} cover the last ${covered} days of the ${range} asked for.`,
  };
}

const emptyProvenance = (range: TimeRange, pending: Pending, total: number) => ({
  state: "pending" as const,
  timeRange: range,
  window: null,
  computedAt: null,
  dataAsOf: null,
  runId: pending.runId,
  coverage: { analysed: 0, total },
  pending,
  sources: countSources([]),
});

export function pendingLearner(userId: string, range: TimeRange, pending: Pending): LearnerAnalyticsBody {
  return {
    subject: { type: "learner", id: userId },
    ...emptyProvenance(range, pending, 1),
    velocity: null,
    mastery: null,
    skillGaps: null,
    engagement: null,
  };
}

/** A learner's answer from their latest analytics, every range-bound figure over the range. */
export function learnerView(
  userId: string,
  row: { runId: string; metrics: LearnerMetrics; computedAt: Date },
  range: TimeRange,
  includePredictions: boolean,
): LearnerAnalyticsBody {
  const { metrics } = row;
  const figures = rangeFigures(metrics, range);
  if (!figures) throw new Error("learnerView needs analytics with stored ranges");
  const days = Math.min(TIME_RANGE_DAYS[range], ANALYSIS_WINDOW_DAYS);
  const recent = metrics.daily.units.slice(-days);
  return {
    subject: { type: "learner", id: userId },
    state: "ready",
    timeRange: range,
    window: rangeWindow(range, new Date(metrics.window.to)),
    computedAt: row.computedAt.toISOString(),
    dataAsOf: metrics.window.to,
    runId: row.runId,
    coverage: { analysed: 1, total: 1 },
    pending: null,
    sources: countSources([metrics]),
    velocity: {
      unitsCompleted: figures.unitsCompleted,
      unitsPerWeek: roundTo(figures.unitsPerWeek, DECIMALS.rate),
      trend: roundTo(halfOverHalf(recent), DECIMALS.rate),
      peerPercentile: metrics.velocity.peerPercentile,
      step: seriesStep(range),
      series: bucketSeries(metrics.daily.from, metrics.daily.units, days, seriesStep(range)),
    },
    mastery: {
      overall: p4(metrics.mastery.overall),
      threshold: metrics.mastery.threshold,
      asOf: metrics.window.to,
      // Rows stored before the flag existed say nothing: then the skill is taken as reachable.
      skills: metrics.mastery.skills.map((skill) => ({
        ...skill,
        probability: p4(skill.probability),
        masteryReachable: skill.masteryReachable ?? true,
      })),
    },
    skillGaps: metrics.skillGaps.map((gap) => ({
      ...gap,
      gap: roundTo(gap.gap, DECIMALS.score),
      importance: roundTo(gap.importance, DECIMALS.score),
      mastery: p4(gap.mastery),
      priority: p4(gap.priority),
    })),
    engagement: {
      score: figures.engagement.score,
      components: Object.fromEntries(
        Object.entries(figures.engagement.components).map(([name, c]) => [
          name,
          { value: p4(c.value), weight: p4(c.weight), contribution: roundTo(c.contribution, DECIMALS.score) },
        ]),
      ),
    },
    ...(includePredictions
      ? {
          predictions: {
            atRisk: riskView(metrics.atRisk),
            courses: metrics.courses.map((c) => ({
              courseId: c.courseId,
              title: c.title,
              atRisk: riskView(c.atRisk),
              projectedCompletion: c.projectedCompletion,
            })),
          },
        }
      : {}),
  };
}

export type EnrolledRow = {
  courseId: string;
  userId: string;
  name: string;
  runId: string | null;
  metrics: LearnerMetrics | null;
  computedAt: Date | null;
};
type Analysed = EnrolledRow & { metrics: LearnerMetrics; computedAt: Date; runId: string };

/** A row counts as analysed once it holds the per-range figures and the at-risk statuses every answer reads. */
export const isAnalysed = (row: EnrolledRow, range: TimeRange): row is Analysed =>
  row.metrics !== null && rangeFigures(row.metrics, range) !== null && hasRiskStatus(row.metrics);

/** A trainer's answer: per course they teach, performance over the range, score distribution and at-risk learners. */
export function trainerView(
  trainerId: string,
  courses: { id: string; code: string; title: string }[],
  rows: EnrolledRow[],
  range: TimeRange,
  pending: Pending | null,
): TrainerAnalyticsBody {
  const analysed = rows.filter((row) => isAnalysed(row, range));
  const latest = analysed.reduce<Analysed | null>((top, row) => (!top || row.computedAt > top.computedAt ? row : top), null);
  const learners = new Set(rows.map((row) => row.userId));
  const analysedLearners = new Set(analysed.map((row) => row.userId));
  if (analysed.length === 0 && pending) {
    return { subject: { type: "trainer", id: trainerId }, ...emptyProvenance(range, pending, learners.size), courses: [] };
  }
  return {
    subject: { type: "trainer", id: trainerId },
    state: analysedLearners.size < learners.size ? "partial" : "ready",
    timeRange: range,
    window: latest ? rangeWindow(range, new Date(latest.metrics.window.to)) : null,
    computedAt: latest?.computedAt.toISOString() ?? null,
    dataAsOf: latest?.metrics.window.to ?? null,
    runId: pending?.runId ?? latest?.runId ?? null,
    coverage: { analysed: analysedLearners.size, total: learners.size },
    pending,
    sources: countSources([...new Map(analysed.map((row) => [row.userId, row.metrics])).values()]),
    courses: courses.map((course) => courseView(course, rows, analysed, range)),
  };
}

function courseView(course: { id: string; code: string; title: string }, rows: EnrolledRow[], analysed: Analysed[], range: TimeRange) {
  const enrolled = rows.filter((row) => row.courseId === course.id);
  const entries = analysed
    .filter((row) => row.courseId === course.id)
    .flatMap((row) => {
      const entry = row.metrics.courses.find((c) => c.courseId === course.id);
      const inRange = rangeFigures(row.metrics, range)?.courses.find((c) => c.courseId === course.id);
      return entry && inRange ? [{ row, entry, inRange }] : [];
    });
  const scores = entries.flatMap(({ inRange }) => (inRange.averageScore === null ? [] : [inRange.averageScore]));
  const completed = entries.filter(({ entry }) => entry.status === "completed").length;
  const weeks = Math.min(TIME_RANGE_DAYS[range], ANALYSIS_WINDOW_DAYS) / 7;
  const distribution = scoreDistribution(scores);
  return {
    courseId: course.id,
    code: course.code,
    title: course.title,
    coverage: { analysed: entries.length, total: enrolled.length },
    performance: {
      enrolled: enrolled.length,
      analysed: entries.length,
      activeInRange: entries.filter(({ inRange }) => inRange.unitsCompleted > 0).length,
      completed,
      completedInRange: entries.filter(({ inRange }) => inRange.completed).length,
      completionRate: entries.length ? share(completed / entries.length) : null,
      averageProgress: share(mean(entries.map(({ entry }) => entry.progress))),
      averageScore: share(mean(scores)),
      unitsPerWeek: entries.length
        ? roundTo(entries.reduce((sum, { inRange }) => sum + inRange.unitsCompleted, 0) / entries.length / weeks, DECIMALS.rate)
        : null,
    },
    scoreDistribution: {
      ...distribution,
      mean: roundOrNull(distribution.mean, DECIMALS.probability),
      quantiles: distribution.quantiles && {
        p10: p4(distribution.quantiles.p10),
        p25: p4(distribution.quantiles.p25),
        p50: p4(distribution.quantiles.p50),
        p75: p4(distribution.quantiles.p75),
        p90: p4(distribution.quantiles.p90),
      },
    },
    atRiskLearners: entries
      .flatMap(({ row, entry }) => {
        const { status, probability, factors } = riskView(entry.atRisk);
        return status === "at_risk" && probability !== null ? [{ userId: row.userId, name: row.name, probability, factors }] : [];
      })
      .sort((a, b) => b.probability - a.probability || a.name.localeCompare(b.name)),
  };
}

export type AggregateRow = {
  level: string;
  groupKey: string;
  periodStart: Date;
  groupSize: number;
  metrics: unknown;
  runId: string | null;
  computedAt: Date;
};

/** Numbers of stored figures rounded by the API's policy (SQL already rounds; this keeps JSON free of noise). */
const rounded = (figures: GroupFigures): GroupFigures =>
  Object.fromEntries(
    Object.entries(figures).map(([key, value]) => [key, typeof value === "number" ? roundTo(value, DECIMALS.probability) : value]),
  );

/** The organisation's groups (departments, courses) with their sizes, to show small ones as suppressed. */
export interface OrganizationGroups {
  learners: number;
  departments: { department: string; learners: number }[];
  courses: { courseId: string; title: string; learners: number }[];
}

/**
 * An admin's answer: layer-3 aggregates only (small groups were never stored and are listed as
 * suppressed), the figures of the range from the latest period, and the trend over the range.
 */
export function organizationView(
  organizationId: string,
  minGroupSize: number,
  rows: AggregateRow[],
  groups: OrganizationGroups,
  sources: Sources,
  range: TimeRange,
  pending: Pending | null,
): OrganizationAnalyticsBody {
  const latestPeriod = rows.reduce((top, row) => Math.max(top, row.periodStart.getTime()), 0);
  const latest = rows.filter((row) => row.periodStart.getTime() === latestPeriod);
  const summary = latest.find((row) => row.level === "organization");
  if (!summary) {
    const waiting = pending ?? { runId: "", status: "queued", retryAfterSeconds: 30 };
    return {
      subject: { type: "organization", id: organizationId },
      ...emptyProvenance(range, waiting, groups.learners),
      minGroupSize,
      summary: null,
      departments: [],
      courses: [],
      trend: { step: seriesStep(range), points: [] },
    };
  }
  const reason = (size: number) =>
    size < minGroupSize ? `fewer than ${minGroupSize} learners` : `fewer than ${minGroupSize} learners analysed so far`;
  const row = (level: string, key: string) => latest.find((r) => r.level === level && r.groupKey === key);
  const analysed = Math.min(summary.groupSize, groups.learners);
  const to = new Date(latestPeriod);
  const from = to.getTime() - TIME_RANGE_DAYS[range] * DAY_MS;
  const points = rows
    .filter((r) => r.level === "organization" && r.periodStart.getTime() > from)
    .sort((a, b) => a.periodStart.getTime() - b.periodStart.getTime())
    .map((r) => ({ date: r.periodStart.toISOString().slice(0, 10), figures: rounded(groupFigures(r.metrics, "7d")) }));
  return {
    subject: { type: "organization", id: organizationId },
    state: analysed < groups.learners ? "partial" : "ready",
    timeRange: range,
    window: rangeWindow(range, to, "group figures (the trend covers the whole range)"),
    computedAt: summary.computedAt.toISOString(),
    dataAsOf: to.toISOString(),
    runId: pending?.runId ?? summary.runId,
    coverage: { analysed, total: groups.learners },
    pending,
    sources,
    minGroupSize,
    summary: rounded(groupFigures(summary.metrics, range)),
    departments: groups.departments.map(({ department, learners }) => {
      const found = row("department", department);
      return found
        ? { department, learners: found.groupSize, figures: rounded(groupFigures(found.metrics, range)) }
        : { department, suppressed: true as const, reason: reason(learners) };
    }),
    courses: groups.courses.map(({ courseId, title, learners }) => {
      const found = row("course", courseId);
      return found
        ? { courseId, title, learners: found.groupSize, figures: rounded(groupFigures(found.metrics, range)) }
        : { courseId, title, suppressed: true as const, reason: reason(learners) };
    }),
    trend: { step: seriesStep(range), points: seriesStep(range) === "day" ? points : weekly(points) },
  };
}

/** Daily trend points averaged into weeks counted from the first point. */
function weekly(points: { date: string; figures: GroupFigures }[]): { date: string; figures: GroupFigures }[] {
  const weeks = new Map<number, { date: string; figures: GroupFigures[] }>();
  const origin = points[0] ? Date.parse(points[0].date) : 0;
  for (const point of points) {
    const index = Math.floor((Date.parse(point.date) - origin) / (7 * DAY_MS));
    const week = weeks.get(index) ?? { date: point.date, figures: [] };
    week.figures.push(point.figures);
    weeks.set(index, week);
  }
  return [...weeks.values()].map(({ date, figures }) => {
    const keys = [...new Set(figures.flatMap((f) => Object.keys(f)))].filter((key) => figures.every((f) => typeof f[key] === "number"));
    return {
      date,
      figures: Object.fromEntries(keys.map((key) => [key, roundTo(mean(figures.map((f) => f[key] as number)) ?? 0, DECIMALS.probability)])),
    };
  });
}
