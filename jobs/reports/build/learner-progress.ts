import { TIME_RANGE_DAYS } from "../../../core/domain/time-range";
import { latestLearnerAnalytics } from "../../../db/queries/analytics-reads";
import { findUserInOrganization } from "../../../db/queries/users";
import { ANALYSIS_WINDOW_DAYS, rangeFigures, storedLearnerMetrics } from "../../analyze/learner-metrics";
import { bucketSeries } from "../../math";
import { type Builder, chartsWithData, num, pct } from "./shared";

/** One learner: their figures, course progress, weekly units and skill gaps, and a row per course. */
export const learnerProgress: Builder = async ({ db, request, base }) => {
  const [user, analytics] = await Promise.all([
    findUserInOrganization(db, request.scopeId, request.organizationId),
    latestLearnerAnalytics(db, request.scopeId),
  ]);
  const m = analytics ? storedLearnerMetrics(analytics.metrics) : undefined;
  const range = base.timeRange.label;
  // Every range-bound figure is the range's own; rows from before ranges were stored show none.
  const r = m ? rangeFigures(m, range) : null;
  const inRange = (courseId: string) => r?.courses.find((c) => c.courseId === courseId);
  const series = m && r ? bucketSeries(m.daily.from, m.daily.units, Math.min(TIME_RANGE_DAYS[range], ANALYSIS_WINDOW_DAYS), "week") : [];
  return {
    ...base,
    title: "Learner progress",
    scopeLabel: user ? `${user.name} (${user.email})` : request.scopeId,
    summary: [
      { label: "Engagement score", value: r ? `${r.engagement.score} / 100` : "–" },
      { label: "Skills mastered", value: pct(m?.mastery.overall) },
      { label: "Units completed", value: num(r?.unitsCompleted, 0) },
      { label: "Units per week", value: num(r?.unitsPerWeek) },
      { label: "Peer percentile", value: num(m?.velocity.peerPercentile, 0) },
      { label: "At-risk probability", value: pct(m?.atRisk.probability) },
    ],
    charts: m
      ? chartsWithData({
          completionFunnel: {
            title: "Course progress (units)",
            steps: m.courses.map((c) => ({ label: c.title ?? c.courseId, value: c.unitsCompleted })),
          },
          engagementTrend: {
            title: "Units completed per week",
            points: series.map((point) => ({ label: point.date.slice(5), value: point.units })),
          },
          skillGaps: {
            title: "Top skill gaps (priority)",
            items: m.skillGaps.slice(0, 8).map((g) => ({ label: g.name ?? g.skillId, value: g.priority })),
          },
        })
      : {},
    table: {
      title: "Courses",
      columns: [
        { key: "course", label: "Course" },
        { key: "status", label: "Status" },
        { key: "progress", label: "Progress" },
        { key: "score", label: "Average score in the period" },
        { key: "risk", label: "At-risk" },
        { key: "projected", label: "Projected completion" },
      ],
      rows: (m?.courses ?? []).map((c) => ({
        course: c.title ?? c.courseId,
        status: c.status,
        progress: pct(c.progress),
        score: pct(inRange(c.courseId)?.averageScore),
        risk: pct(c.atRisk.probability),
        projected: c.projectedCompletion?.date.slice(0, 10) ?? "–",
      })),
    },
  };
};
