/** The reports the API renders, and the file formats each can be rendered in. */
export const REPORT_TYPES = ["learner-progress", "course-performance", "organization-summary", "at-risk"] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const REPORT_FORMATS = ["pdf", "csv", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
