import { z } from "zod";
import { REPORT_TYPES } from "../../../core/domain/reports";
import { TIME_RANGES } from "../../../core/domain/time-range";

/**
 * The source-neutral report model: everything a renderer (PDF, CSV, JSON) needs, already computed
 * and formatted by the report builder. Renderers do no I/O and read no clock, so the same model
 * always gives the same file. The JSON format of a report IS this schema (see `renderJson`).
 */

/** An ISO 8601 date-time, with `Z` or a numeric offset (`2026-06-30T14:05:00.000Z`). */
const isoDateTime = () => z.iso.datetime({ offset: true });

/** A finite number (zod 4 rejects NaN and ±Infinity), as JSON can carry it. */
const finite = () => z.number();

export { REPORT_FORMATS, REPORT_TYPES, type ReportFormat } from "../../../core/domain/reports";

export const ReportTypeSchema = z
  .enum(REPORT_TYPES)
  .describe(
    "Kind of report. Renderers treat every type alike (the content is in the other fields); the PDF names it in its subject metadata.",
  );

export const TimeRangeSchema = z
  .object({
    label: z.enum(TIME_RANGES).describe("The range the report was requested for: last 7 days, 30 days, 90 days or 1 year."),
    from: isoDateTime().describe("Start of the range (inclusive), ISO 8601 date-time."),
    to: isoDateTime().describe("End of the range, ISO 8601 date-time; not before `from`."),
  })
  .refine((range) => Date.parse(range.from) <= Date.parse(range.to), {
    message: "timeRange.from must not be after timeRange.to",
    path: ["from"],
  })
  .describe("The period the figures cover. Renderers show its dates in UTC.");

/** A machine name: snake_case, with the unit when the value has one (`score_percent`, `probability_0_1`). */
const machineKey = () => z.string().regex(/^[a-z][a-z0-9_]*$/, "a snake_case machine name");

export const SummaryFigureSchema = z
  .object({
    label: z.string().min(1).describe("What the figure is, e.g. `Completion rate (learners)`."),
    value: z.string().describe("The figure, already formatted for reading, e.g. `72 %` or `–` when unknown."),
    key: machineKey()
      .optional()
      .describe("Machine name of the figure, with its unit, e.g. `completion_rate_percent`, `learners`; absent on a figure in words only."),
    number: finite()
      .nullable()
      .optional()
      .describe("The figure as a number in the unit its `key` names (`72` for `completion_rate_percent`); null when unknown."),
  })
  .describe("A key figure shown on the title page.");

export const HistogramBinSchema = z
  .object({
    from: finite().describe("Lower edge of the bin."),
    to: finite().describe("Upper edge of the bin."),
    count: z.number().int().nonnegative().describe("How many values fall in the bin."),
  })
  .describe("One bar of a histogram.");

export const ScoreHistogramSchema = z
  .object({
    title: z.string().describe("Chart heading."),
    bins: z.array(HistogramBinSchema).min(1).describe("Bins in ascending order, drawn left to right as vertical bars."),
  })
  .describe("Distribution of scores as a histogram.");

export const LabelledValueSchema = z.object({
  label: z.string().describe("Category or point label."),
  value: finite().describe("The value."),
});

export const CompletionFunnelSchema = z
  .object({
    title: z.string().describe("Chart heading."),
    steps: z
      .array(LabelledValueSchema.extend({ value: finite().nonnegative().describe("Learners (or units) at this step; not negative.") }))
      .min(1)
      .describe(
        "Steps top to bottom, drawn as centred horizontal bars. When the values never increase (a true funnel) each step also shows its share of the first step.",
      ),
  })
  .describe("Completion funnel, or any non-negative values by category.");

export const EngagementTrendSchema = z
  .object({
    title: z.string().describe("Chart heading."),
    points: z
      .array(LabelledValueSchema)
      .min(1)
      .describe(
        "Points in time order, drawn as a polyline with a marker at each point; the label is the x-axis label (e.g. `W3`, `06-14`).",
      ),
  })
  .describe("A value over time.");

export const SkillGapsSchema = z
  .object({
    title: z.string().describe("Chart heading."),
    items: z
      .array(
        LabelledValueSchema.extend({ value: finite().min(0).max(1).describe("Priority of closing the gap, 0 (none) to 1 (highest).") }),
      )
      .min(1)
      .describe("Skills in the order to show them (usually by decreasing priority), drawn as horizontal bars on a 0–1 axis."),
  })
  .describe("Skill gaps ranked by priority.");

export const ChartsSchema = z
  .object({
    scoreHistogram: ScoreHistogramSchema.optional(),
    completionFunnel: CompletionFunnelSchema.optional(),
    engagementTrend: EngagementTrendSchema.optional(),
    skillGaps: SkillGapsSchema.optional(),
  })
  .describe("The charts the report has data for; an absent chart is not drawn. The PDF draws them in this order.");

export const TableColumnSchema = z
  .object({
    key: machineKey().describe(
      "Key of the value in each row and the CSV header of the column: a snake_case machine name with the unit when the value has one (`user_id`, `score_percent`, `engagement_0_100`, `probability_0_1`).",
    ),
    label: z.string().describe("Human column heading, in the PDF table header."),
    format: z
      .enum(["percent", "share"])
      .optional()
      .describe(
        "How the PDF shows the column's numbers: `percent` a value 0–100 as `72 %`, `share` a value 0–1 as `83 %`. CSV and JSON keep the number.",
      ),
    pdf: z
      .boolean()
      .optional()
      .describe("`false`: a column for machines (ids, status codes), in the CSV and JSON only; the PDF leaves it out."),
  })
  .describe("One column of the table.");

export const TableCellSchema = z
  .union([z.string(), finite(), z.null()])
  .describe(
    "A cell: text, a number (written plainly in CSV and JSON, right-aligned in the PDF) or null (empty in CSV, `–` in the PDF). Figures are numbers, dates ISO 8601 text.",
  );

export const TableSchema = z
  .object({
    title: z.string().describe("Table heading."),
    columns: z
      .array(TableColumnSchema)
      .min(1)
      .refine((columns) => new Set(columns.map((c) => c.key)).size === columns.length, { message: "column keys must be unique" })
      .refine((columns) => columns.some((c) => c.pdf !== false), { message: "at least one column must be shown in the PDF" })
      .describe("Columns in display order; keys are unique; at least one is shown in the PDF."),
    rows: z
      .array(z.record(z.string(), TableCellSchema))
      .describe("Rows in display order, keyed by column key; a missing key is an empty cell, keys of no column are ignored."),
  })
  .describe("The detail table (the whole content of the CSV: a header of column keys, then the rows).");

export const ReportModelSchema = z
  .object({
    type: ReportTypeSchema,
    title: z.string().min(1).describe("Report title, e.g. `Course performance`."),
    organizationName: z.string().describe("Name of the organisation the report belongs to."),
    scopeLabel: z.string().describe("What the report covers, e.g. `Course TS-101 TypeScript Foundations`."),
    timeRange: TimeRangeSchema,
    generatedAt: isoDateTime().describe("When the report was generated, ISO 8601; the PDF creation and modification date."),
    summary: z.array(SummaryFigureSchema).describe("Key figures, in display order."),
    charts: ChartsSchema,
    table: TableSchema,
  })
  .describe("A rendered report's content (Learning Analytics API report model).");

/** The report model every renderer takes. */
export type ReportModel = z.infer<typeof ReportModelSchema>;
export type ReportCharts = ReportModel["charts"];
export type ReportTable = ReportModel["table"];
export type TableCell = z.infer<typeof TableCellSchema>;

/** Validates (and strips unknown keys from) a report model; throws a `ZodError` when it is invalid. */
export function parseReportModel(input: unknown): ReportModel {
  return ReportModelSchema.parse(input);
}

/** The report model as JSON Schema (draft 2020-12), with the field descriptions above. */
export function reportModelJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ReportModelSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
