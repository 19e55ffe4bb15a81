import { DECIMALS, roundTo } from "../../../core/domain/numbers";
import { mean } from "../../../core/domain/stats";
import { TIME_RANGE_DAYS, type TimeRange } from "../../../core/domain/time-range";
import type { Database } from "../../../db/client";
import { latestAnalyticsOfEnrolled } from "../../../db/queries/analytics-reads";
import { ANALYSIS_WINDOW_DAYS, rangeFigures, storedLearnerMetrics } from "../../analyze/learner-metrics";
import { bucketSeries, scoreDistribution } from "../../math";
import { type BuildInput, chartsWithData } from "./shared";

/** The learners of a course (or of several) with their latest analytics and their entry for that course. */
async function courseCohort(db: Database, courseIds: string[], range: TimeRange) {
  const rows = await latestAnalyticsOfEnrolled(db, courseIds);
  return rows.flatMap((row) => {
    const metrics = row.metrics === null ? null : storedLearnerMetrics(row.metrics);
    const entry = metrics?.courses.find((c) => c.courseId === row.courseId);
    const inRange = metrics ? rangeFigures(metrics, range)?.courses.find((c) => c.courseId === row.courseId) : undefined;
    return metrics && entry && inRange ? [{ ...row, metrics, entry, inRange }] : [];
  });
}

/**
 * What the course performance and at-risk reports share: the cohort of the scope, its label, its
 * score distribution and the charts. Both are about a course, or (at-risk, for an admin) every course.
 */
export async function courseScope({ db, request, titles, base }: BuildInput) {
  const courseIds = request.scopeType === "course" ? [request.scopeId] : [...titles.keys()];
  const range = base.timeRange.label;
  const cohort = await courseCohort(db, courseIds, range);
  const scores = cohort.flatMap((row) => (row.inRange.averageScore === null ? [] : [row.inRange.averageScore]));
  const days = Math.min(TIME_RANGE_DAYS[range], ANALYSIS_WINDOW_DAYS);
  const series = cohort.map((row) => bucketSeries(row.metrics.daily.from, row.metrics.daily.units, days, "week"));
  const weeks = Math.max(0, ...series.map((points) => points.length));
  const scopeLabel =
    request.scopeType === "course" ? (titles.get(request.scopeId) ?? request.scopeId) : `All courses of ${base.organizationName}`;
  const distribution = scoreDistribution(scores);
  const charts = chartsWithData({
    scoreHistogram: { title: "Average scores in the period", bins: distribution.histogram },
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
      points: Array.from({ length: weeks }, (_, i) => ({
        label: series.find((points) => points[i])?.[i]?.date.slice(5) ?? `W${i + 1}`,
        value: roundTo(mean(series.map((points) => points[i]?.units ?? 0)) ?? 0, DECIMALS.rate),
      })),
    },
  });
  return { cohort, scopeLabel, distribution, charts };
}
