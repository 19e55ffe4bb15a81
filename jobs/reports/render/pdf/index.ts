import { PDFDocument, StandardFonts } from "pdf-lib";
import { parseReportModel, type ReportModel } from "../model";
import { drawCharts } from "./charts";
import { formatPeriod } from "./format";
import { drawTable } from "./table";
import { AUTHOR, PRODUCER, TYPE_LABELS } from "./theme";
import { titlePage } from "./title-page";
import { type ContentsEntry, Writer } from "./writer";

export { formatNumber, formatPeriod } from "./format";
export { sanitizeWinAnsi, type TextKit } from "./text";

/**
 * PDF rendering of a report with pdf-lib (pure: no I/O, no clock; runs on Workers).
 *
 * Layout (A4 portrait, points): a title page (title, organisation, scope, period, generation time,
 * key figures, contents); then the charts present, two to a page, drawn as vector graphics
 * (paths, rectangles and text, no images); then the table, which breaks across pages with its
 * header row repeated and long text cells wrapped to three lines, then truncated with "…". Every page has "Page N of M" in the footer.
 *
 * Text: see ./text.ts (the standard fonts draw WinAnsi only).
 *
 * Determinism: pdf-lib's automatic metadata is off; producer, creator and both dates are set from
 * the model (`generatedAt`), and pdf-lib's internal name suffixes come from a fixed-seed generator,
 * so the same model gives byte-identical files (with the same pdf-lib version and this code).
 */

/** Renders the report as an A4 PDF. Validates the model first (throws a `ZodError` when invalid). */
export async function renderPdf(input: ReportModel): Promise<Uint8Array> {
  const model = parseReportModel(input);
  const doc = await PDFDocument.create({ updateMetadata: false });
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const boldSet = new Set(bold.getCharacterSet());
  const charset = new Set(regular.getCharacterSet().filter((code) => boldSet.has(code)));
  const w = new Writer(doc, { regular, bold, charset }, model);

  const fillContents = titlePage(w);
  const contents: ContentsEntry[] = [];
  drawCharts(w, contents);
  drawTable(w, contents);
  fillContents(contents);
  w.footers();

  const generated = new Date(model.generatedAt);
  doc.setTitle(model.title, { showInWindowTitleBar: true });
  doc.setAuthor(AUTHOR);
  doc.setSubject(`${TYPE_LABELS[model.type]} · ${model.organizationName} · ${model.scopeLabel} · ${formatPeriod(model.timeRange)}`);
  doc.setKeywords([model.type, model.timeRange.label]);
  doc.setCreator(AUTHOR);
  doc.setProducer(PRODUCER);
  doc.setLanguage("en");
  doc.setCreationDate(generated);
  doc.setModificationDate(generated);
  return doc.save({ useObjectStreams: false });
}
