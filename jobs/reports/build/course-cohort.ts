import { mean } from "../../../core/domain/stats";
import type { Database } from "../../../db/client";
import { latestAnalyticsOfEnrolled } from "../../../db/queries/analytics-reads";
import { storedLearnerMetrics } from "../../analyze/learner-metrics";
import { scoreDistribution } from "../../math";
import { type BuildInput, chartsWithData } from "./shared";

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
 * What the course performance and at-risk reports share: the cohort of the scope, its label, its
 * score distribution and the charts. Both are about a course, or (at-risk, for an admin) every course.
 */
export async function courseScope({ db, request, titles, base }: BuildInput) {
  const courseIds = request.scopeType === "course" ? [request.scopeId] : [...titles.keys()];
  const cohort = await courseCohort(db, courseIds);
  const scores = cohort.flatMap((row) => (row.entry.averageScore === null ? [] : [row.entry.averageScore]));
  const scopeLabel =
    request.scopeType === "course" ? (titles.get(request.scopeId) ?? request.scopeId) : `All courses of ${base.organizationName}`;
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
      points: Array.from({ length: weeks }, (_, i) => ({
        label: `W${i + 1}`,
        value: Math.round((mean(cohort.map((row) => row.metrics.velocity.weekly[i] ?? 0)) ?? 0) * 100) / 100,
      })),
    },
  });
  return { cohort, scopeLabel, distribution, charts };
}
