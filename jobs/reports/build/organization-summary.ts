import { organizationAggregates } from "../../../db/queries/analytics-reads";
import { groupFigures } from "../../analyze/stored-aggregates";
import { type Builder, chartsOrFigures, countFigure, figure, num, percent, shareFigure } from "./shared";

const KIND_LABELS: Record<string, string> = { department: "Department", course: "Course" };

/**
 * The organisation from its stored aggregates: its figures, and a row per department and course of
 * the latest period. The organisation and its departments count learners (each once); a course
 * counts its enrolled learners, so the courses together count enrolments (a learner in two courses
 * is in both).
 */
export const organizationSummary: Builder = async ({ db, request, organization, titles, base }) => {
  const rows = await organizationAggregates(db, request.organizationId, new Date(base.timeRange.from));
  const latestPeriod = rows.reduce((top, row) => Math.max(top, row.periodStart.getTime()), 0);
  const latest = rows.filter((row) => row.periodStart.getTime() === latestPeriod);
  // The range's own figures; the trend plots each day's rolling week.
  const figures = (row: { metrics: unknown }) => groupFigures(row.metrics, base.timeRange.label) as Record<string, number | undefined>;
  const org = latest.find((row) => row.level === "organization");
  const courses = latest.filter((row) => row.level === "course");
  const histogram = Array.from({ length: 10 }, (_, i) => ({
    from: i / 10,
    to: (i + 1) / 10,
    count: courses.reduce(
      (sum, row) => sum + ((groupFigures(row.metrics, base.timeRange.label).scoreHistogram as number[] | undefined)?.[i] ?? 0),
      0,
    ),
  }));
  // Groups below the organisation's minimum size are never stored: a small organisation may have no rows at all.
  const drawn = chartsOrFigures({
    scoreHistogram: { title: "Average scores in the period (enrolments, courses together)", bins: histogram },
    completionFunnel: {
      title: "Completed by course (learners)",
      steps: courses.map((row) => ({
        label: titles.get(row.groupKey) ?? row.groupKey,
        value: Math.round((figures(row).completionRate ?? 0) * row.groupSize),
      })),
    },
    engagementTrend: {
      title: "Average engagement by day (0–100, rolling week)",
      points: rows
        .filter((row) => row.level === "organization")
        .map((row) => ({
          label: row.periodStart.toISOString().slice(5, 10),
          value: (groupFigures(row.metrics, "7d").engagement as number | null) ?? 0,
        })),
    },
  });
  const orgFigures = org ? figures(org) : undefined;
  return {
    ...base,
    title: "Organisation summary",
    scopeLabel: organization?.name ?? request.organizationId,
    summary: [
      org ? countFigure("learners", "Learners", org.groupSize) : figure("learners", "Learners", null, "suppressed (small group)"),
      figure("engagement_0_100", "Average engagement (0–100)", orgFigures?.engagement, num(orgFigures?.engagement)),
      shareFigure("skills_mastered_percent", "Skills mastered (mean per learner)", orgFigures?.mastery),
      shareFigure("at_risk_percent", "At-risk share (learners)", orgFigures?.atRiskShare),
      ...drawn.figures,
    ],
    charts: drawn.charts,
    table: {
      title: "Departments and courses",
      columns: [
        { key: "group_id", label: "Group id", pdf: false },
        { key: "group", label: "Group" },
        { key: "kind", label: "Kind code", pdf: false },
        { key: "kind_label", label: "Kind" },
        { key: "learners", label: "Learners" },
        { key: "engagement_0_100", label: "Average engagement (0–100)" },
        { key: "completion_rate_percent", label: "Completion rate", format: "percent" },
        { key: "at_risk_percent", label: "At-risk share", format: "percent" },
      ],
      rows: latest
        .filter((row) => row.level !== "organization")
        .map((row) => ({
          group_id: row.groupKey,
          group: row.level === "course" ? (titles.get(row.groupKey) ?? row.groupKey) : row.groupKey,
          kind: row.level,
          kind_label: KIND_LABELS[row.level] ?? row.level,
          learners: row.groupSize,
          engagement_0_100: figures(row).engagement ?? null,
          completion_rate_percent: percent(figures(row).completionRate),
          at_risk_percent: percent(figures(row).atRiskShare),
        })),
    },
  };
};
