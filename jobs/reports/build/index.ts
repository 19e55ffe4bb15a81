import { ownEntry } from "../../../core/codecs/own";
import type { ReportType } from "../../../core/domain/reports";
import { DAY_MS } from "../../../core/domain/time";
import type { Database } from "../../../db/client";
import { courseTitles, organizationOf } from "../../../db/queries/analytics-reads";
import { TIME_RANGE_DAYS } from "../../math";
import type { ReportModel } from "../render/model";
import { atRisk } from "./at-risk";
import { coursePerformance } from "./course-performance";
import { learnerProgress } from "./learner-progress";
import { organizationSummary } from "./organization-summary";
import type { Builder, ReportRequest } from "./shared";

export type { ReportRequest } from "./shared";

/** One builder per report type (a type without one does not compile). */
const BUILDERS = {
  "learner-progress": learnerProgress,
  "course-performance": coursePerformance,
  "organization-summary": organizationSummary,
  "at-risk": atRisk,
} satisfies Record<ReportType, Builder>;

/**
 * The content of a report from the analytics already computed (no upstream calls): title page
 * figures, the four charts where the report has data for them, and its table.
 */
export async function buildReportModel(db: Database, request: ReportRequest, now: Date): Promise<ReportModel> {
  // The type comes from the database: only the table's own entries count.
  const build = ownEntry<Builder>(BUILDERS, request.type);
  if (!build) throw new Error(`Unknown report type: ${request.type}`);
  const organization = await organizationOf(db, request.organizationId);
  const titles = await courseTitles(db, request.organizationId);
  const base = {
    type: request.type,
    organizationName: organization?.name ?? "Organisation",
    timeRange: {
      label: request.timeRange,
      from: new Date(now.getTime() - TIME_RANGE_DAYS[request.timeRange] * DAY_MS).toISOString(),
      to: now.toISOString(),
    },
    generatedAt: now.toISOString(),
  };
  return build({ db, request, organization, titles, base });
}
