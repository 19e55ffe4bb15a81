import { organizationAggregates } from "../../../db/queries/analytics-reads";
import { groupFigures } from "../../analyze/stored-aggregates";
import { type Builder, chartsWithData, num, pct } from "./shared";

/** The organisation from its stored aggregates: its figures, and a row per department and course of the latest period. */
export const organizationSummary: Builder = async ({ db, request, organization, titles, base }) => {
  const rows = await organizationAggregates(db, request.organizationId, new Date(base.timeRange.from));
  const latestPeriod = rows.reduce((top, row) => Math.max(top, row.periodStart.getTime()), 0);
  const latest = rows.filter((row) => row.periodStart.getTime() === latestPeriod);
  // The range's own figures; the trend plots each day's rolling week.
  const figures = (row: { metrics: unknown }) => groupFigures(row.metrics, base.timeRange.label) as Record<string, number>;
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
  return {
    ...base,
    title: "Organisation summary",
    scopeLabel: organization?.name ?? request.organizationId,
    summary: [
      { label: "Learners", value: org ? String(org.groupSize) : "suppressed (small group)" },
      { label: "Average engagement", value: org ? num(figures(org).engagement) : "–" },
      { label: "Skills mastered", value: org ? pct(figures(org).mastery) : "–" },
      { label: "At-risk share", value: org ? pct(figures(org).atRiskShare) : "–" },
    ],
    // Groups below the organisation's minimum size are never stored: a small organisation may have no rows at all.
    charts: chartsWithData({
      scoreHistogram: { title: "Average course scores (learners)", bins: histogram },
      completionFunnel: {
        title: "Completion by course (learners completed)",
        steps: courses.map((row) => ({
          label: titles.get(row.groupKey) ?? row.groupKey,
          value: Math.round(figures(row).completionRate! * row.groupSize),
        })),
      },
      engagementTrend: {
        title: "Average engagement by day",
        points: rows
          .filter((row) => row.level === "organization")
          .map((row) => ({
            label: row.periodStart.toISOString().slice(5, 10),
            value: (groupFigures(row.metrics, "7d").engagement as number | null) ?? 0,
          })),
      },
    }),
    table: {
      title: "Departments and courses",
      columns: [
        { key: "group", label: "Group" },
        { key: "kind", label: "Kind" },
        { key: "learners", label: "Learners" },
        { key: "engagement", label: "Engagement / completion" },
        { key: "risk", label: "At-risk share" },
      ],
      rows: latest
        .filter((row) => row.level !== "organization")
        .map((row) => ({
          group: row.level === "course" ? (titles.get(row.groupKey) ?? row.groupKey) : row.groupKey,
          kind: row.level,
          learners: row.groupSize,
          engagement: row.level === "course" ? pct(figures(row).completionRate) : num(figures(row).engagement),
          risk: pct(figures(row).atRiskShare),
        })),
    },
  };
};
