// The report model builders live in ./build/ (one per report type); this path stays for its callers.
export { buildReportModel, type ReportRequest } from "./build";
