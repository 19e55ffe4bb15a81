import { rgb } from "pdf-lib";
import type { ReportModel } from "../model";

/** The look of the PDF: A4 page geometry (points), colours, and the fixed words it prints. */

export const PAGE_WIDTH = 595.28;
export const PAGE_HEIGHT = 841.89;
const MARGIN_X = 50;
export const CONTENT_LEFT = MARGIN_X;
export const CONTENT_RIGHT = PAGE_WIDTH - MARGIN_X;
export const CONTENT_WIDTH = CONTENT_RIGHT - CONTENT_LEFT;
/** Top of the content area on pages with the running header. */
export const CONTENT_TOP = PAGE_HEIGHT - 64;
/** Bottom of the content area (the footer sits below). */
export const CONTENT_BOTTOM = 58;

export const INK = rgb(0.12, 0.14, 0.19);
export const MUTED = rgb(0.42, 0.45, 0.5);
export const RULE = rgb(0.82, 0.84, 0.87);
export const GRID = rgb(0.9, 0.91, 0.93);
export const PANEL = rgb(0.96, 0.965, 0.975);
export const ACCENT = rgb(0.13, 0.35, 0.66);
export const ACCENT_LIGHT = rgb(0.84, 0.89, 0.96);
export const BAND_TEXT = rgb(0.83, 0.88, 0.96);
export const WHITE = rgb(1, 1, 1);

export const PRODUCER = "Learning Analytics API report renderer (pdf-lib)";
export const AUTHOR = "Learning Analytics API";

export const TYPE_LABELS: Record<ReportModel["type"], string> = {
  "learner-progress": "Learner progress report",
  "course-performance": "Course performance report",
  "organization-summary": "Organisation summary report",
  "at-risk": "At-risk learners report",
};
export const RANGE_LABELS: Record<ReportModel["timeRange"]["label"], string> = {
  "7d": "last 7 days",
  "30d": "last 30 days",
  "90d": "last 90 days",
  "1y": "last 12 months",
};
