import type { ReportModel } from "../render/model";
import { courseScope, type EnrolledRow, enrolledRows } from "./course-cohort";
import { enrolmentRisk } from "./risk";
import { type Builder, type BuildInput, countFigure, shareFigure } from "./shared";

/**
 * The enrolments of the scope flagged at risk, highest probability first, with the factors that
 * raise each one's risk. Withdrawn and completed enrolments are never at risk: they are counted
 * apart, not listed.
 */
export function atRiskReport(input: Omit<BuildInput, "db">, enrolled: readonly EnrolledRow[]): ReportModel {
  const { cohort, learners, counted, scopeLabel, charts, figures } = courseScope(input, enrolled);
  const rows = cohort.map((row) => ({ ...row, risk: enrolmentRisk(row.entry) }));
  const flagged = rows
    .filter((row) => row.risk.status === "at_risk")
    .sort((a, b) => (b.risk.probability ?? 0) - (a.risk.probability ?? 0) || a.name.localeCompare(b.name));
  const withStatus = (status: string) => rows.filter((row) => row.risk.status === status).length;
  const oneCourse = input.request.scopeType === "course";
  return {
    ...input.base,
    title: "Learners at risk",
    scopeLabel,
    summary: [
      countFigure("learners", "Learners", learners),
      ...(oneCourse ? [] : [countFigure("enrolments", "Enrolments", rows.length)]),
      countFigure("at_risk", `At risk (${counted})`, flagged.length),
      shareFigure("at_risk_percent", `At-risk share (${counted})`, rows.length ? flagged.length / rows.length : null),
      ...(oneCourse
        ? []
        : [countFigure("learners_at_risk", "Learners at risk in any course", new Set(flagged.map((row) => row.userId)).size)]),
      countFigure("withdrawn", `Withdrawn (${counted})`, withStatus("withdrawn")),
      countFigure("completed", `Completed (${counted})`, withStatus("completed")),
      ...figures,
    ],
    charts,
    table: {
      title: oneCourse ? "Learners at risk, highest risk first" : "Enrolments at risk, highest risk first",
      columns: [
        { key: "user_id", label: "User id", pdf: false },
        { key: "learner", label: "Learner" },
        { key: "course_id", label: "Course id", pdf: false },
        { key: "course", label: "Course", ...(oneCourse ? { pdf: false } : {}) },
        { key: "risk_probability_0_1", label: "At-risk probability", format: "share" },
        { key: "factors", label: "What raises the risk" },
        { key: "factor_codes", label: "Factor codes", pdf: false },
      ],
      rows: flagged.map((row) => ({
        user_id: row.userId,
        learner: row.name,
        course_id: row.courseId,
        course: input.titles.get(row.courseId) ?? row.entry.title ?? row.courseId,
        risk_probability_0_1: row.risk.probability,
        factors: row.risk.text || null,
        factor_codes: row.risk.codes.join(";") || null,
      })),
    },
  };
}

export const atRisk: Builder = async (input) => atRiskReport(input, await enrolledRows(input));
