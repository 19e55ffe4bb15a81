import { rangeFigures } from "../../analyze/learner-metrics";
import type { ReportModel } from "../render/model";
import { courseScope, type EnrolledRow, enrolledRows } from "./course-cohort";
import { enrolmentRisk, enrolmentStatusLabel, RISK_STATUS_LABELS } from "./risk";
import { type Builder, type BuildInput, countFigure, figure, pct, percent, shareFigure } from "./shared";

/** A course (or every course): completion, scores and risk of its learners, and a row per enrolment by name. */
export function coursePerformanceReport(input: Omit<BuildInput, "db">, enrolled: readonly EnrolledRow[]): ReportModel {
  const { cohort, learners, counted, scopeLabel, distribution, charts, figures } = courseScope(input, enrolled);
  const rows = cohort.map((row) => ({ ...row, risk: enrolmentRisk(row.entry) }));
  const share = (n: number) => (rows.length ? n / rows.length : null);
  const atRisk = rows.filter((row) => row.risk.status === "at_risk").length;
  const oneCourse = input.request.scopeType === "course";
  return {
    ...input.base,
    title: "Course performance",
    scopeLabel,
    summary: [
      countFigure("learners", "Learners", learners),
      ...(oneCourse ? [] : [countFigure("enrolments", "Enrolments", rows.length)]),
      shareFigure(
        "completion_rate_percent",
        `Completion rate (${counted})`,
        share(rows.filter((row) => row.entry.status === "completed").length),
      ),
      figure("average_score_percent", `Average score (${counted} with a score)`, percent(distribution.mean), pct(distribution.mean)),
      figure(
        "median_score_percent",
        `Median score (${counted} with a score)`,
        percent(distribution.quantiles?.p50),
        pct(distribution.quantiles?.p50),
      ),
      countFigure("at_risk", `At risk (${counted})`, atRisk),
      shareFigure("at_risk_percent", `At-risk share (${counted})`, share(atRisk)),
      ...figures,
    ],
    charts,
    table: {
      title: oneCourse ? "Learners" : "Enrolments",
      columns: [
        { key: "user_id", label: "User id", pdf: false },
        { key: "learner", label: "Learner" },
        { key: "course_id", label: "Course id", pdf: false },
        // One course: the title page names it.
        { key: "course", label: "Course", ...(oneCourse ? { pdf: false } : {}) },
        { key: "status", label: "Status code", pdf: false },
        { key: "status_label", label: "Status" },
        { key: "progress_percent", label: "Progress", format: "percent" },
        { key: "score_percent", label: "Average score in the period", format: "percent" },
        { key: "engagement_0_100", label: "Engagement (0–100)" },
        { key: "risk_status", label: "Risk status code", pdf: false },
        { key: "risk_status_label", label: "Risk" },
        { key: "risk_probability_0_1", label: "At-risk probability", format: "share" },
      ],
      rows: rows
        .sort((a, b) => a.name.localeCompare(b.name) || a.courseId.localeCompare(b.courseId))
        .map((row) => ({
          user_id: row.userId,
          learner: row.name,
          course_id: row.courseId,
          course: input.titles.get(row.courseId) ?? row.entry.title ?? row.courseId,
          status: row.entry.status,
          status_label: enrolmentStatusLabel(row.entry.status),
          progress_percent: percent(row.entry.progress),
          score_percent: percent(row.inRange.averageScore),
          engagement_0_100: rangeFigures(row.metrics, input.base.timeRange.label)?.engagement.score ?? null,
          risk_status: row.risk.status,
          risk_status_label: RISK_STATUS_LABELS[row.risk.status],
          risk_probability_0_1: row.risk.probability,
        })),
    },
  };
}

export const coursePerformance: Builder = async (input) => coursePerformanceReport(input, await enrolledRows(input));
