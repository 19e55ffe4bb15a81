import { courseTitles, latestAnalyticsOfEnrolled, latestLearnerAnalytics, organizationAggregates, organizationOf } from "../../db/queries/analytics-reads";
import type { Database } from "../../db/client";
import { findUserInOrganization } from "../../db/queries/users";
import { scoreDistribution, TIME_RANGE_DAYS } from "../math";
import { storedLearnerMetrics } from "../analyze/learner-metrics";
import type { ReportModel } from "./render/model";

export interface ReportRequest {
  organizationId: string;
  type: ReportModel["type"];
  scopeType: string;
  scopeId: string;
  timeRange: ReportModel["timeRange"]["label"];
}

const pct = (value: number | null | undefined) => (value === null || value === undefined ? "–" : `${Math.round(value * 100)} %`);
const num = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? "–" : value.toFixed(digits));
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

type Charts = ReportModel["charts"];

/**
 * Only the charts that have something to draw. The model refuses an empty chart (no bins with a
 * count, no steps, no points, no items), and a scope can lack data for any of them: an
 * organisation whose groups are all below its minimum size has no stored aggregates, a learner may
 * have no skill gaps, a course no weekly activity yet.
 */
function chartsWithData(charts: Charts): Charts {
  const hasData: { [K in keyof Charts]-?: (chart: NonNullable<Charts[K]>) => boolean } = {
    scoreHistogram: (chart) => chart.bins.some((bin) => bin.count > 0),
    completionFunnel: (chart) => chart.steps.length > 0,
    engagementTrend: (chart) => chart.points.length > 0,
    skillGaps: (chart) => chart.items.length > 0,
  };
  return Object.fromEntries(Object.entries(charts).filter(([kind, chart]) => chart && hasData[kind as keyof Charts](chart as never))) as Charts;
}

/** The learners of a course (or of several) with their latest analytics and their entry for that course. */
async function courseCohort(db: Database, courseIds: string[]) {
  const rows = await latestAnalyticsOfEnrolled(db, courseIds);
  return rows.flatMap((row) => {
    const metrics = row.metrics === null ? null : storedLearnerMetrics(row.metrics);
    const entry = metrics?.courses.find((c) => c.courseId === row.courseId);
    return metrics && entry ? [{ ...row, metrics, entry }] : [];
  });
}

/**
 * The content of a report from the analytics already computed (no upstream calls): title page
 * figures, the four charts where the report has data for them, and its table.
 */
export async function buildReportModel(db: Database, request: ReportRequest, now: Date): Promise<ReportModel> {
  const organization = await organizationOf(db, request.organizationId);
  const titles = await courseTitles(db, request.organizationId);
  const base = {
    type: request.type,
    organizationName: organization?.name ?? "Organisation",
    timeRange: { label: request.timeRange, from: new Date(now.getTime() - TIME_RANGE_DAYS[request.timeRange] * 86_400_000).toISOString(), to: now.toISOString() },
    generatedAt: now.toISOString(),
  };

  if (request.type === "learner-progress") {
    const [user, analytics] = await Promise.all([findUserInOrganization(db, request.scopeId, request.organizationId), latestLearnerAnalytics(db, request.scopeId)]);
    const m = analytics ? storedLearnerMetrics(analytics.metrics) : undefined;
    return {
      ...base,
      title: "Learner progress",
      scopeLabel: user ? `${user.name} (${user.email})` : request.scopeId,
      summary: [
        { label: "Engagement score", value: m ? `${m.engagement.score} / 100` : "–" },
        { label: "Skills mastered", value: pct(m?.mastery.overall) },
        { label: "Units per week", value: num(m?.velocity.unitsPerWeek) },
        { label: "Peer percentile", value: num(m?.velocity.peerPercentile, 0) },
        { label: "At-risk probability", value: pct(m?.atRisk.probability) },
      ],
      charts: m
        ? chartsWithData({
            completionFunnel: { title: "Course progress (units)", steps: m.courses.map((c) => ({ label: c.title ?? c.courseId, value: c.unitsCompleted })) },
            engagementTrend: { title: "Units completed per week", points: m.velocity.weekly.map((value, i) => ({ label: `W${i + 1}`, value })) },
            skillGaps: { title: "Top skill gaps (priority)", items: m.skillGaps.slice(0, 8).map((g) => ({ label: g.name ?? g.skillId, value: g.priority })) },
          })
        : {},
      table: {
        title: "Courses",
        columns: [
          { key: "course", label: "Course" },
          { key: "status", label: "Status" },
          { key: "progress", label: "Progress" },
          { key: "score", label: "Average score" },
          { key: "risk", label: "At-risk" },
          { key: "projected", label: "Projected completion" },
        ],
        rows: (m?.courses ?? []).map((c) => ({
          course: c.title ?? c.courseId,
          status: c.status,
          progress: pct(c.progress),
          score: pct(c.averageScore),
          risk: pct(c.atRisk.probability),
          projected: c.projectedCompletion?.date.slice(0, 10) ?? "–",
        })),
      },
    };
  }

  if (request.type === "organization-summary") {
    const rows = await organizationAggregates(db, request.organizationId, new Date(base.timeRange.from));
    const latestPeriod = rows.reduce((top, row) => Math.max(top, row.periodStart.getTime()), 0);
    const latest = rows.filter((row) => row.periodStart.getTime() === latestPeriod);
    const figures = (row: { metrics: unknown }) => row.metrics as Record<string, number>;
    const org = latest.find((row) => row.level === "organization");
    const courses = latest.filter((row) => row.level === "course");
    const histogram = Array.from({ length: 10 }, (_, i) => ({
      from: i / 10,
      to: (i + 1) / 10,
      count: courses.reduce((sum, row) => sum + (((row.metrics as { scoreHistogram?: number[] }).scoreHistogram ?? [])[i] ?? 0), 0),
    }));
    return {
      ...base,
      title: "Organisation summary",
      scopeLabel: organization?.name ?? request.organizationId,
      summary: [
        { label: "Learners", value: org ? String(org.groupSize) : "suppressed (small group)" },
        { label: "Average engagement", value: org ? num(figures(org).engagement) : "–" },
        { label: "Skills mastered", value: org ? pct(figures(org).mastery) : "–" },
        { label: "At-risk share", value: org ? pct(figures(org).atRiskShare) : "–" },
      ],
      // Groups below the organisation's minimum size are never stored: a small organisation may have no rows at all.
      charts: chartsWithData({
        scoreHistogram: { title: "Average course scores (learners)", bins: histogram },
        completionFunnel: { title: "Completion by course (learners completed)", steps: courses.map((row) => ({ label: titles.get(row.groupKey) ?? row.groupKey, value: Math.round(figures(row).completionRate! * row.groupSize) })) },
        engagementTrend: { title: "Average engagement by day", points: rows.filter((row) => row.level === "organization").map((row) => ({ label: row.periodStart.toISOString().slice(5, 10), value: figures(row).engagement ?? 0 })) },
      }),
      table: {
        title: "Departments and courses",
        columns: [
          { key: "group", label: "Group" },
          { key: "kind", label: "Kind" },
          { key: "learners", label: "Learners" },
          { key: "engagement", label: "Engagement / completion" },
          { key: "risk", label: "At-risk share" },
        ],
        rows: latest
          .filter((row) => row.level !== "organization")
          .map((row) => ({
            group: row.level === "course" ? (titles.get(row.groupKey) ?? row.groupKey) : row.groupKey,
            kind: row.level,
            learners: row.groupSize,
            engagement: row.level === "course" ? pct(figures(row).completionRate) : num(figures(row).engagement),
            risk: pct(figures(row).atRiskShare),
          })),
      },
    };
  }

  // Course performance and at-risk lists are about a course, or (at-risk, for an admin) every course.
  const courseIds = request.scopeType === "course" ? [request.scopeId] : [...titles.keys()];
  const cohort = await courseCohort(db, courseIds);
  const scores = cohort.flatMap((row) => (row.entry.averageScore === null ? [] : [row.entry.averageScore]));
  const scopeLabel = request.scopeType === "course" ? (titles.get(request.scopeId) ?? request.scopeId) : `All courses of ${base.organizationName}`;
  const distribution = scoreDistribution(scores);
  const weeks = Math.max(0, ...cohort.map((row) => row.metrics.velocity.weekly.length));
  const charts = chartsWithData({
    scoreHistogram: { title: "Average scores", bins: distribution.histogram },
    completionFunnel: {
      title: "Completion funnel (learners)",
      steps: [
        { label: "Enrolled", value: cohort.length },
        { label: "Started", value: cohort.filter((row) => row.entry.progress > 0).length },
        { label: "Halfway", value: cohort.filter((row) => row.entry.progress >= 0.5).length },
        { label: "Completed", value: cohort.filter((row) => row.entry.status === "completed").length },
      ],
    },
    engagementTrend: {
      title: "Units completed per week (mean per learner)",
      points: Array.from({ length: weeks }, (_, i) => ({ label: `W${i + 1}`, value: Math.round((mean(cohort.map((row) => row.metrics.velocity.weekly[i] ?? 0)) ?? 0) * 100) / 100 })),
    },
  });

  if (request.type === "at-risk") {
    const atRisk = cohort.filter((row) => row.entry.atRisk.probability >= 0.5).sort((a, b) => b.entry.atRisk.probability - a.entry.atRisk.probability);
    return {
      ...base,
      title: "Learners at risk",
      scopeLabel,
      summary: [
        { label: "Learners analysed", value: String(cohort.length) },
        { label: "At risk (≥ 50 %)", value: String(atRisk.length) },
        { label: "At-risk share", value: pct(cohort.length ? atRisk.length / cohort.length : null) },
      ],
      charts,
      table: {
        title: "At-risk learners",
        columns: [
          { key: "learner", label: "Learner" },
          { key: "course", label: "Course" },
          { key: "probability", label: "Probability" },
          { key: "factors", label: "Top factors" },
        ],
        rows: atRisk.map((row) => ({
          learner: row.name,
          course: titles.get(row.courseId) ?? row.courseId,
          probability: pct(row.entry.atRisk.probability),
          factors: row.entry.atRisk.factors.map((f) => f.feature).join(", "),
        })),
      },
    };
  }

  return {
    ...base,
    title: "Course performance",
    scopeLabel,
    summary: [
      { label: "Learners", value: String(cohort.length) },
      { label: "Completion rate", value: pct(cohort.length ? cohort.filter((row) => row.entry.status === "completed").length / cohort.length : null) },
      { label: "Average score", value: pct(distribution.mean) },
      { label: "Median score", value: pct(distribution.quantiles?.p50) },
      { label: "At-risk share", value: pct(cohort.length ? cohort.filter((row) => row.entry.atRisk.probability >= 0.5).length / cohort.length : null) },
    ],
    charts,
    table: {
      title: "Learners",
      columns: [
        { key: "learner", label: "Learner" },
        { key: "status", label: "Status" },
        { key: "progress", label: "Progress" },
        { key: "score", label: "Average score" },
        { key: "engagement", label: "Engagement" },
        { key: "risk", label: "At-risk" },
      ],
      rows: cohort
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((row) => ({
          learner: row.name,
          status: row.entry.status,
          progress: pct(row.entry.progress),
          score: pct(row.entry.averageScore),
          engagement: row.metrics.engagement.score,
          risk: pct(row.entry.atRisk.probability),
        })),
    },
  };
}

