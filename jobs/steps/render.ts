import { claimReport, failReport, storeReportFile } from "../../db/queries/reports";
import { sha256Hex } from "../../functions/lib/digest";
import type { JobContext } from "../context";
import type { ReportMessage } from "../messages";
import { buildReportModel, type ReportRequest } from "../reports/build-model";
import { render } from "../reports/render";

/**
 * Renders a report from the analytics already computed and stores the file with its size and
 * SHA-256. A report that is already ready is left alone, so a redelivered message stores no
 * second file; a failure is recorded on the report and rethrown for QStash to retry.
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
      expiresAt: new Date(ctx.now.getTime() + ctx.env.REPORT_RETENTION_DAYS * 86_400_000),
    });
  } catch (error) {
    await failReport(ctx.db, reportId, error instanceof Error ? error.message : String(error));
    throw error;
  }
}
