import { parseReportModel, type ReportModel } from "./model";

/**
 * The report model as JSON: validated against `ReportModelSchema` first (an invalid model throws a
 * `ZodError`; keys the schema does not know are dropped), then pretty-printed with 2 spaces and a
 * final newline. Key order follows the schema for the fixed fields, so the same model always gives
 * the same text. `JSON.parse` of the result parses with `ReportModelSchema` to an equal model.
 */
export function renderJson(input: ReportModel): string {
  return `${JSON.stringify(parseReportModel(input), null, 2)}\n`;
}
