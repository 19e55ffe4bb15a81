import { renderCsv } from "./csv";
import { renderJson } from "./json";
import type { ReportFormat, ReportModel } from "./model";
import { renderPdf } from "./pdf";

export { CSV_BOM, csvField, neutraliseFormula, renderCsv } from "./csv";
export { renderJson } from "./json";
export * from "./model";
export { renderPdf, sanitizeWinAnsi } from "./pdf";

export interface RenderedReport {
  bytes: Uint8Array;
  /** For the `Content-Type` header. */
  contentType: string;
  /** File name extension, without the dot. */
  extension: string;
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: "application/pdf",
  csv: "text/csv; charset=utf-8; header=present",
  json: "application/json; charset=utf-8",
};

/**
 * Renders a report model as a file. Pure: the same model and format give the same bytes. Every
 * renderer validates the model first and throws a `ZodError` when it is invalid.
 */
export async function render(model: ReportModel, format: ReportFormat): Promise<RenderedReport> {
  let bytes: Uint8Array;
  switch (format) {
    case "pdf":
      bytes = await renderPdf(model);
      break;
    case "csv":
      bytes = new TextEncoder().encode(renderCsv(model));
      break;
    case "json":
      bytes = new TextEncoder().encode(renderJson(model));
      break;
    default:
      throw new Error(`Unknown report format: ${String(format satisfies never)}`);
  }
  return { bytes, contentType: CONTENT_TYPES[format], extension: format };
}
