import type { Database } from "../../../db/client";
import type { courseTitles, organizationOf } from "../../../db/queries/analytics-reads";
import type { ReportModel } from "../render/model";

export interface ReportRequest {
  organizationId: string;
  type: ReportModel["type"];
  scopeType: string;
  scopeId: string;
  timeRange: ReportModel["timeRange"]["label"];
}

/** What every report type starts from: the request, what is read for all types, and the model fields they share. */
export interface BuildInput {
  db: Database;
  request: ReportRequest;
  organization: Awaited<ReturnType<typeof organizationOf>>;
  /** Course id → title, for the organisation's courses. */
  titles: Awaited<ReturnType<typeof courseTitles>>;
  base: Pick<ReportModel, "type" | "organizationName" | "timeRange" | "generatedAt">;
}

/** Builds the model of one report type. */
export type Builder = (input: BuildInput) => Promise<ReportModel>;

export const pct = (value: number | null | undefined) => (value === null || value === undefined ? "–" : `${Math.round(value * 100)} %`);
export const num = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? "–" : value.toFixed(digits));

type Charts = ReportModel["charts"];

/**
 * Only the charts that have something to draw. The model refuses an empty chart (no bins with a
 * count, no steps, no points, no items), and a scope can lack data for any of them: an
 * organisation whose groups are all below its minimum size has no stored aggregates, a learner may
 * have no skill gaps, a course no weekly activity yet.
 */
export function chartsWithData(charts: Charts): Charts {
  const hasData: { [K in keyof Charts]-?: (chart: NonNullable<Charts[K]>) => boolean } = {
    scoreHistogram: (chart) => chart.bins.some((bin) => bin.count > 0),
    completionFunnel: (chart) => chart.steps.length > 0,
    engagementTrend: (chart) => chart.points.length > 0,
    skillGaps: (chart) => chart.items.length > 0,
  };
  return Object.fromEntries(
    Object.entries(charts).filter(([kind, chart]) => chart && hasData[kind as keyof Charts](chart as never)),
  ) as Charts;
}
