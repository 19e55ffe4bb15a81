import { sha256Hex } from "../../core/codecs/digest";
import { DAY_MS } from "../../core/domain/time";
import { describeError, log } from "../../core/logger";
import { claimReport, failReport, storeReportFile } from "../../db/queries/reports";
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
 * Renders a report from the analytics already computed and stores the file with its size and
 * SHA-256. A report that is already ready is left alone, so a redelivered message stores no
 * second file; a failure is logged with the request id, recorded on the report as a client-safe
 * reason, and rethrown for QStash to retry.
 */
export async function renderReport(ctx: JobContext, { reportId }: ReportMessage): Promise<void> {
  const report = await claimReport(ctx.db, reportId);
  if (!report) return;
  try {
    const model = await buildReportModel(ctx.db, { ...report, timeRange: report.timeRange as ReportRequest["timeRange"] }, ctx.now);
    const file = await render(model, report.format);
    await storeReportFile(ctx.db, reportId, {
      content: file.bytes,
      contentType: file.contentType,
      fileName: `${report.type}-${ctx.now.toISOString().slice(0, 10)}.${file.extension}`,
      sha256: await sha256Hex(file.bytes),
      expiresAt: new Date(ctx.now.getTime() + ctx.env.REPORT_RETENTION_DAYS * DAY_MS),
    });
  } catch (error) {
    log("error", "report rendering failed", { requestId: ctx.requestId, reportId, ...describeError(error) });
    await failReport(ctx.db, reportId, publicFailure(error, ctx.requestId));
    throw error;
  }
}
