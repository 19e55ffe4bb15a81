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

/** A share 0–1 as a percentage 0–100 with one decimal, for `…_percent` cells and figures; null stays null. */
export const percent = (share: number | null | undefined): number | null =>
  share === null || share === undefined ? null : Math.round(share * 1000) / 10;

type Figure = ReportModel["summary"][number];

/** A key figure for people (`value`) and for machines (`key` with its unit, `number` in that unit). */
export const figure = (key: string, label: string, number: number | null | undefined, value: string): Figure => ({
  key,
  label,
  value,
  number: number ?? null,
});

/** A count figure: "12". */
export const countFigure = (key: string, label: string, count: number): Figure => figure(key, label, count, count.toLocaleString("en"));

/** A share figure: `key` ends in `_percent`; the value reads "42 %" and the number is 42. */
export const shareFigure = (key: string, label: string, share: number | null | undefined): Figure =>
  figure(key, label, percent(share), pct(share));

/** What a report is about when a learner may be counted more than once: "learners" in one course, "enrolments" across courses. */
export const countedUnit = (request: { scopeType: string }) => (request.scopeType === "course" ? "learners" : "enrolments");

type Charts = ReportModel["charts"];

const formatted = (value: number) => String(Math.round(value * 100) / 100);

/**
 * The charts worth a place, and the figures of the others in words. A chart needs something to
 * draw (the model refuses an empty one), and a scope can lack data for any of them: an
 * organisation whose groups are all below its minimum size has no stored aggregates, a learner may
 * have no skill gaps, a course no weekly activity yet. A chart of one point (one step, one item,
 * one point of a trend, one non-empty histogram bin) says no more than its figure, so it is not
 * drawn: its figure joins the key figures instead of taking half a page.
 */
export function chartsOrFigures(charts: Charts): { charts: Charts; figures: Figure[] } {
  const drawn: Charts = {};
  const figures: Figure[] = [];
  const { scoreHistogram, completionFunnel, engagementTrend, skillGaps } = charts;
  // Score histograms bin shares 0–1.
  const filled = scoreHistogram?.bins.filter((bin) => bin.count > 0) ?? [];
  const [only] = filled;
  if (scoreHistogram && filled.length > 1) drawn.scoreHistogram = scoreHistogram;
  else if (scoreHistogram && only) {
    const range = `${Math.round(only.from * 100)}–${Math.round(only.to * 100)} %`;
    figures.push({ label: scoreHistogram.title, value: only.count === 1 ? `${range} (one)` : `${range} (all ${only.count})` });
  }
  // A funnel of zeros (a course with no learners yet) has nothing to draw.
  if (completionFunnel && completionFunnel.steps.length > 1 && completionFunnel.steps.some((step) => step.value > 0))
    drawn.completionFunnel = completionFunnel;
  else if (completionFunnel?.steps.length === 1 && completionFunnel.steps[0])
    figures.push({
      label: `${completionFunnel.title}: ${completionFunnel.steps[0].label}`,
      value: formatted(completionFunnel.steps[0].value),
    });
  if (engagementTrend && engagementTrend.points.length > 1) drawn.engagementTrend = engagementTrend;
  else if (engagementTrend?.points[0])
    figures.push({
      label: `${engagementTrend.title}, ${engagementTrend.points[0].label}`,
      value: formatted(engagementTrend.points[0].value),
    });
  if (skillGaps && skillGaps.items.length > 1) drawn.skillGaps = skillGaps;
  else if (skillGaps?.items[0])
    figures.push({ label: `${skillGaps.title}: ${skillGaps.items[0].label}`, value: formatted(skillGaps.items[0].value) });
  return { charts: drawn, figures };
}
