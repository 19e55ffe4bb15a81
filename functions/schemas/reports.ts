import { z } from "@hono/zod-openapi";
import { TIME_RANGES } from "../../core/domain/time-range";
import { REPORT_FORMATS, REPORT_TYPES } from "../../jobs/reports/render/model";
import { EXAMPLE_IDS } from "./common";

export const REPORT_STATUSES = ["queued", "rendering", "ready", "failed"] as const;

export const generateBody = z
  .object({
    type: z.enum(REPORT_TYPES),
    format: z.enum(REPORT_FORMATS),
    scope: z
      .object({ userId: z.uuid().optional(), courseId: z.uuid().optional() })
      .strict()
      .refine((scope) => !(scope.userId && scope.courseId), "give userId or courseId, not both")
      .optional()
      .openapi({
        description:
          "learner-progress: userId (default: the caller); course-performance: courseId; at-risk: courseId (admins may omit it: every course)",
      }),
    timeRange: z.enum(TIME_RANGES).default("30d"),
  })
  .strict()
  .openapi("GenerateReport", {
    example: { type: "learner-progress", format: "pdf", scope: { userId: EXAMPLE_IDS.learner }, timeRange: "30d" },
  });

export const reportSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(REPORT_TYPES),
    format: z.enum(REPORT_FORMATS),
    scope: z.object({ type: z.enum(["user", "course", "organization"]), id: z.uuid() }),
    timeRange: z.enum(TIME_RANGES),
    status: z.enum(REPORT_STATUSES),
    createdAt: z.iso.datetime(),
    readyAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime(),
    size: z.number().int().nullable().openapi({ description: "Bytes, when ready" }),
    sha256: z.string().nullable().openapi({ description: "Hex SHA-256 of the file, when ready" }),
    error: z.string().nullable().openapi({ description: "Why rendering failed" }),
  })
  .openapi("Report");

export const queuedReportSchema = z
  .object({
    reportId: z.uuid(),
    status: z
      .enum(REPORT_STATUSES)
      .openapi({ description: "queued for a new report; the joined report's own status otherwise (ready: download it now)" }),
    joined: z
      .boolean()
      .openapi({ description: "true when an identical report (pending, or ready within REPORT_REUSE_SECONDS) answers the request" }),
  })
  .openapi("QueuedReport");

export const historyQuery = z
  .object({
    type: z.enum(REPORT_TYPES).optional().openapi({ example: "learner-progress" }),
    status: z.enum(REPORT_STATUSES).optional().openapi({ example: "ready" }),
    limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, "must be a nextCursor from a previous page")
      .optional(),
  })
  .strict();

export const historySchema = z.object({ items: z.array(reportSchema), nextCursor: z.string().nullable() }).openapi("ReportHistory");

export const downloadSchema = z.object({ url: z.string(), expiresAt: z.iso.datetime() }).openapi("ReportDownload");

export const fileQuery = z
  .object({
    exp: z.coerce
      .number()
      .int()
      .positive()
      .openapi({ description: "Unix seconds after which the URL no longer works", example: 1767225600 }),
    kid: z.string().min(1).max(64).openapi({ description: "Id of the key that signed the URL", example: "key-2026-01" }),
    sig: z
      .string()
      .regex(/^[A-Za-z0-9_-]{20,100}$/)
      .openapi({ description: "Base64url HMAC-SHA256 of the request", example: "K3h8aTTtECSGlc9bJY4QUfUfrdtRGqcCbvOccBbhqx0" }),
  })
  .strict();
