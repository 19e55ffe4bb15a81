import { DECIMALS, roundTo } from "../../../core/domain/numbers";
import { mean } from "../../../core/domain/stats";
import { TIME_RANGE_DAYS, type TimeRange } from "../../../core/domain/time-range";
import { latestAnalyticsOfEnrolled } from "../../../db/queries/analytics-reads";
import { ANALYSIS_WINDOW_DAYS, rangeFigures, storedLearnerMetrics } from "../../analyze/learner-metrics";
import { bucketSeries, scoreDistribution } from "../../math";
import { type BuildInput, chartsOrFigures, countedUnit } from "./shared";

/** What the course reports read: each enrolment of the scope's courses with its learner's latest analytics (null before any). */
export type EnrolledRow = Pick<Awaited<ReturnType<typeof latestAnalyticsOfEnrolled>>[number], "courseId" | "userId" | "name" | "metrics">;

/** The enrolments of the scope: one course, or every course of the organisation. */
export const enrolledRows = ({ db, request, titles }: BuildInput): Promise<EnrolledRow[]> =>
  latestAnalyticsOfEnrolled(db, request.scopeType === "course" ? [request.scopeId] : [...titles.keys()]);

/** The enrolments analysed in the range, each with its learner's analytics and its entry for that course. */
function courseCohort(rows: readonly EnrolledRow[], range: TimeRange) {
  return rows.flatMap((row) => {
    const metrics = row.metrics === null ? null : storedLearnerMetrics(row.metrics);
    const entry = metrics?.courses.find((c) => c.courseId === row.courseId);
    const inRange = metrics ? rangeFigures(metrics, range)?.courses.find((c) => c.courseId === row.courseId) : undefined;
    return metrics && entry && inRange ? [{ ...row, metrics, entry, inRange }] : [];
  });
}

/**
 * What the course performance and at-risk reports share: the cohort of the scope (one row per
 * enrolment), its label, its score distribution, the charts worth drawing and the figures of the
 * others. Both are about a course, or (at-risk, for an admin) every course: then a learner in two
 * courses is one learner and two enrolments, and what is counted per enrolment says so. Pure.
 */
export function courseScope({ request, titles, base }: Omit<BuildInput, "db">, rows: readonly EnrolledRow[]) {
  const range = base.timeRange.label;
  const cohort = courseCohort(rows, range);
  const counted = countedUnit(request);
  const learners = new Map(cohort.map((row) => [row.userId, row.metrics]));
  const scores = cohort.flatMap((row) => (row.inRange.averageScore === null ? [] : [row.inRange.averageScore]));
  const days = Math.min(TIME_RANGE_DAYS[range], ANALYSIS_WINDOW_DAYS);
  // A learner's daily units are over all their courses: one series per learner, not per enrolment.
  const series = [...learners.values()].map((metrics) => bucketSeries(metrics.daily.from, metrics.daily.units, days, "week"));
  const weeks = Math.max(0, ...series.map((points) => points.length));
  const scopeLabel =
    request.scopeType === "course" ? (titles.get(request.scopeId) ?? request.scopeId) : `All courses of ${base.organizationName}`;
  const distribution = scoreDistribution(scores);
  const { charts, figures } = chartsOrFigures({
    scoreHistogram: { title: `Average scores in the period (${counted})`, bins: distribution.histogram },
    // A funnel of one learner is that learner's row of the table (and the completion rate): not drawn.
    completionFunnel:
      cohort.length > 1
        ? {
            title: `Completion funnel (${counted})`,
            steps: [
              { label: "Enrolled", value: cohort.length },
              { label: "Started", value: cohort.filter((row) => row.entry.progress > 0).length },
              { label: "Halfway", value: cohort.filter((row) => row.entry.progress >= 0.5).length },
              { label: "Completed", value: cohort.filter((row) => row.entry.status === "completed").length },
            ],
          }
        : undefined,
    engagementTrend: {
      title: "Units completed per week in any course (mean per learner)",
      points: Array.from({ length: weeks }, (_, i) => ({
        label: series.find((points) => points[i])?.[i]?.date.slice(5) ?? `W${i + 1}`,
        value: roundTo(mean(series.map((points) => points[i]?.units ?? 0)) ?? 0, DECIMALS.rate),
      })),
    },
  });
  return { cohort, learners: learners.size, counted, scopeLabel, distribution, charts, figures };
}
