import { rangeFigures } from "../../analyze/learner-metrics";
import { courseScope } from "./course-cohort";
import { type Builder, pct } from "./shared";

/** A course (or every course): completion, scores and risk of its learners, and a row per learner by name. */
export const coursePerformance: Builder = async (input) => {
  const { cohort, scopeLabel, distribution, charts } = await courseScope(input);
  return {
    ...input.base,
    title: "Course performance",
    scopeLabel,
    summary: [
      { label: "Learners", value: String(cohort.length) },
      {
        label: "Completion rate",
        value: pct(cohort.length ? cohort.filter((row) => row.entry.status === "completed").length / cohort.length : null),
      },
      { label: "Average score", value: pct(distribution.mean) },
      { label: "Median score", value: pct(distribution.quantiles?.p50) },
      {
        label: "At-risk share",
        value: pct(cohort.length ? cohort.filter((row) => row.entry.atRisk.probability >= 0.5).length / cohort.length : null),
      },
    ],
    charts,
    table: {
      title: "Learners",
      columns: [
        { key: "learner", label: "Learner" },
        { key: "status", label: "Status" },
        { key: "progress", label: "Progress" },
        { key: "score", label: "Average score in the period" },
        { key: "engagement", label: "Engagement" },
        { key: "risk", label: "At-risk" },
      ],
      rows: cohort
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((row) => ({
          learner: row.name,
          status: row.entry.status,
          progress: pct(row.entry.progress),
          score: pct(row.inRange.averageScore),
          engagement: rangeFigures(row.metrics, input.base.timeRange.label)?.engagement.score ?? "–",
          risk: pct(row.entry.atRisk.probability),
        })),
    },
  };
};
