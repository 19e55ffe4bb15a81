import { TIME_RANGE_DAYS } from "../../../core/domain/time-range";
import { latestLearnerAnalytics } from "../../../db/queries/analytics-reads";
import { findUserInOrganization } from "../../../db/queries/users";
import { ANALYSIS_WINDOW_DAYS, rangeFigures, storedLearnerMetrics } from "../../analyze/learner-metrics";
import { bucketSeries } from "../../math";
import { enrolmentRisk, enrolmentStatusLabel, RISK_STATUS_LABELS } from "./risk";
import { type Builder, chartsOrFigures, countFigure, figure, num, percent, shareFigure } from "./shared";

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
  const courses = (m?.courses ?? []).map((c) => ({ ...c, risk: enrolmentRisk(c) }));
  const scored = courses.filter((c) => c.risk.status === "at_risk" || c.risk.status === "not_at_risk");
  const atRisk = courses.filter((c) => c.risk.status === "at_risk").length;
  const { charts, figures } = m
    ? chartsOrFigures({
        completionFunnel: {
          title: "Course progress (units completed)",
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
    : { charts: {}, figures: [] };
  return {
    ...base,
    title: "Learner progress",
    scopeLabel: user ? `${user.name} (${user.email})` : request.scopeId,
    summary: [
      figure("engagement_0_100", "Engagement score", r?.engagement.score, r ? `${r.engagement.score} / 100` : "–"),
      shareFigure("skills_mastered_percent", "Skills mastered", m?.mastery.overall),
      figure("units_completed", "Units completed", r?.unitsCompleted, num(r?.unitsCompleted, 0)),
      figure("units_per_week", "Units per week", r?.unitsPerWeek, num(r?.unitsPerWeek)),
      figure("peer_percentile_0_100", "Peer percentile", m?.velocity.peerPercentile, num(m?.velocity.peerPercentile, 0)),
      { ...countFigure("courses_at_risk", "Courses at risk", atRisk), value: `${atRisk} of ${scored.length} in progress` },
      ...figures,
    ],
    charts,
    table: {
      title: "Courses",
      columns: [
        { key: "user_id", label: "User id", pdf: false },
        { key: "course_id", label: "Course id", pdf: false },
        { key: "course", label: "Course" },
        { key: "status", label: "Status code", pdf: false },
        { key: "status_label", label: "Status" },
        { key: "progress_percent", label: "Progress", format: "percent" },
        { key: "score_percent", label: "Average score in the period", format: "percent" },
        { key: "risk_status", label: "Risk status code", pdf: false },
        { key: "risk_status_label", label: "Risk" },
        { key: "risk_probability_0_1", label: "At-risk probability", format: "share" },
        { key: "factors", label: "What raises the risk" },
        { key: "factor_codes", label: "Factor codes", pdf: false },
        { key: "projected_completion_date", label: "Projected completion" },
      ],
      rows: courses.map((c) => ({
        user_id: request.scopeId,
        course_id: c.courseId,
        course: c.title ?? c.courseId,
        status: c.status,
        status_label: enrolmentStatusLabel(c.status),
        progress_percent: percent(c.progress),
        score_percent: percent(inRange(c.courseId)?.averageScore),
        risk_status: c.risk.status,
        risk_status_label: RISK_STATUS_LABELS[c.risk.status],
        risk_probability_0_1: c.risk.probability,
        factors: c.risk.text || null,
        factor_codes: c.risk.codes.join(";") || null,
        projected_completion_date: c.projectedCompletion?.date.slice(0, 10) ?? null,
      })),
    },
  };
};
