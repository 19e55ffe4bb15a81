import { chunkBytesFor, splitIntoChunks } from "../../core/codecs/chunks";
import { sha256Hex } from "../../core/codecs/digest";
import { oversizeReason } from "../../core/domain/report-size";
import { DAY_MS } from "../../core/domain/time";
import { describeError, log } from "../../core/logger";
import { finishReportFile, storeReportChunk } from "../../db/queries/report-file";
import { claimReport, failReport } from "../../db/queries/reports";
import type { JobContext } from "../context";
import type { ReportMessage } from "../messages";
import { buildReportModel, type ReportRequest } from "../reports/build-model";
import { render } from "../reports/render";

/**
 * Why a report failed, as its requester may read it: a short reason and a reference to the log
 * line, never the error's own text (a validation dump or a driver message describes internals).
 */
const publicFailure = (error: unknown, requestId: string) =>
  `The report could not be built: ${error instanceof Error && error.name === "ZodError" ? "its content did not pass validation" : "an internal error occurred"}. ` +
  `Try again later, or quote reference ${requestId} if it keeps failing.`;

/**
 * Renders a report from the analytics already computed and stores the file in pieces
 * (REPORT_CHUNK_BYTES each, one statement per piece), then its size and SHA-256 with the status
 * ready, last, so no reader sees a ready report whose pieces are not all there. A report that is
 * already ready is left alone, so a redelivered message stores no second file; a redelivered
 * render that had stored some pieces overwrites them.
 *
 * A file above REPORT_MAX_BYTES fails the report with a reason that says so and the step answers
 * 2xx: the same request renders the same size again, so a QStash retry could only repeat it. Any
 * other failure is logged with the request id, recorded on the report as a client-safe reason,
 * and rethrown for QStash to retry.
 */
export async function renderReport(ctx: JobContext, { reportId }: ReportMessage): Promise<void> {
  const report = await claimReport(ctx.db, reportId);
  if (!report) return;
  try {
    const model = await buildReportModel(ctx.db, { ...report, timeRange: report.timeRange as ReportRequest["timeRange"] }, ctx.now);
    const file = await render(model, report.format);
    const tooLarge = oversizeReason(file.bytes.length, ctx.env.REPORT_MAX_BYTES);
    if (tooLarge) {
      log("warn", "report above REPORT_MAX_BYTES", { requestId: ctx.requestId, reportId, size: file.bytes.length });
      await failReport(ctx.db, reportId, tooLarge);
      return;
    }
    const chunks = splitIntoChunks(file.bytes, chunkBytesFor(file.bytes.length, ctx.env.REPORT_CHUNK_BYTES));
    // One piece at a time: each statement carries up to twice REPORT_CHUNK_BYTES of hex.
    for (const [seq, chunk] of chunks.entries()) await storeReportChunk(ctx.db, reportId, seq, chunk);
    const ready = await finishReportFile(ctx.db, reportId, {
      chunks: chunks.length,
      size: file.bytes.length,
      sha256: await sha256Hex(file.bytes),
      contentType: file.contentType,
      fileName: `${report.type}-${ctx.now.toISOString().slice(0, 10)}.${file.extension}`,
      expiresAt: new Date(ctx.now.getTime() + ctx.env.REPORT_RETENTION_DAYS * DAY_MS),
    });
    if (!ready) throw new Error("the stored pieces do not hash to the rendered file: another delivery of this render wrote some");
  } catch (error) {
    log("error", "report rendering failed", { requestId: ctx.requestId, reportId, ...describeError(error) });
    await failReport(ctx.db, reportId, publicFailure(error, ctx.requestId));
    throw error;
  }
}
