import { courseScope } from "./course-cohort";
import { type Builder, pct } from "./shared";

/** The learners of the scope with an at-risk probability of 50 % or more, most at risk first. */
export const atRisk: Builder = async (input) => {
  const { cohort, scopeLabel, charts } = await courseScope(input);
  const flagged = cohort
    .filter((row) => row.entry.atRisk.probability >= 0.5)
    .sort((a, b) => b.entry.atRisk.probability - a.entry.atRisk.probability);
  return {
    ...input.base,
    title: "Learners at risk",
    scopeLabel,
    summary: [
      { label: "Learners analysed", value: String(cohort.length) },
      { label: "At risk (≥ 50 %)", value: String(flagged.length) },
      { label: "At-risk share", value: pct(cohort.length ? flagged.length / cohort.length : null) },
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
      rows: flagged.map((row) => ({
        learner: row.name,
        course: input.titles.get(row.courseId) ?? row.courseId,
        probability: pct(row.entry.atRisk.probability),
        factors: row.entry.atRisk.factors.map((f) => f.feature).join(", "),
      })),
    },
  };
};
