import { z } from "@hono/zod-openapi";
import { TIME_RANGES } from "../../core/domain/time-range";
import { SERVICES } from "../../jobs/collect/contracts";
import { booleanFlag } from "./common";

const commonQuery = {
  timeRange: z.enum(TIME_RANGES).default("30d"),
  includePredictions: booleanFlag.default(false),
  refreshCache: booleanFlag.default(false).openapi({ description: "Bypass and rewrite the cache entry (counts as two requests)" }),
};

export const learnerQuery = z.object({ ...commonQuery, userId: z.uuid().optional() }).strict();
export const trainerQuery = z.object({ ...commonQuery, trainerId: z.uuid().optional() }).strict();
export const organizationQuery = z.object(commonQuery).strict();

const provenance = {
  state: z.enum(["ready", "pending"]).openapi({ description: "pending: no run has produced these analytics yet; one is queued (runId)" }),
  timeRange: z.enum(TIME_RANGES),
  computedAt: z.iso.datetime().nullable(),
  dataAsOf: z.iso.datetime().nullable().openapi({ description: "End of the window the upstream data covers" }),
  runId: z.uuid().nullable(),
  sources: z
    .record(z.enum(SERVICES), z.object({ ok: z.number().int(), missing: z.number().int() }))
    .openapi({ description: "Per upstream service: subjects it answered for / did not" }),
};

const factor = z.object({ feature: z.string(), value: z.number().nullable(), contribution: z.number() });
const atRisk = z.object({ probability: z.number().min(0).max(1), factors: z.array(factor) });
const projection = z
  .object({ date: z.string(), weeksRemaining: z.number(), rate: z.number(), earliest: z.string(), latest: z.string().nullable() })
  .nullable();

export const learnerAnalyticsSchema = z
  .object({
    subject: z.object({ type: z.literal("learner"), id: z.uuid() }),
    ...provenance,
    velocity: z
      .object({
        unitsPerWeek: z.number().nonnegative(),
        trend: z.number(),
        peerPercentile: z.number().min(0).max(100).nullable(),
        weekly: z.array(z.number()),
        window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
      })
      .nullable(),
    mastery: z
      .object({
        overall: z.number().min(0).max(1),
        threshold: z.number(),
        skills: z.array(
          z.object({
            skillId: z.string(),
            name: z.string().nullable(),
            probability: z.number().min(0).max(1),
            responses: z.number().int(),
            mastered: z.boolean(),
          }),
        ),
      })
      .nullable(),
    skillGaps: z
      .array(
        z.object({
          skillId: z.string(),
          name: z.string().nullable(),
          gap: z.number(),
          importance: z.number(),
          mastery: z.number(),
          priority: z.number(),
        }),
      )
      .nullable(),
    engagement: z
      .object({
        score: z.number().int().min(0).max(100),
        components: z.record(z.string(), z.object({ value: z.number(), weight: z.number(), contribution: z.number() })),
      })
      .nullable(),
    predictions: z
      .object({
        atRisk: atRisk.extend({ courseId: z.uuid().nullable() }),
        courses: z.array(z.object({ courseId: z.uuid(), title: z.string().nullable(), atRisk, projectedCompletion: projection })),
      })
      .optional()
      .openapi({ description: "Only with includePredictions=true" }),
  })
  .openapi("LearnerAnalytics");

const distribution = z.object({
  count: z.number().int(),
  mean: z.number().nullable(),
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  quantiles: z.object({ p10: z.number(), p25: z.number(), p50: z.number(), p75: z.number(), p90: z.number() }).nullable(),
});

export const trainerAnalyticsSchema = z
  .object({
    subject: z.object({ type: z.literal("trainer"), id: z.uuid() }),
    ...provenance,
    courses: z.array(
      z.object({
        courseId: z.uuid(),
        code: z.string(),
        title: z.string(),
        performance: z.object({
          enrolled: z.number().int(),
          analysed: z.number().int(),
          completed: z.number().int(),
          completionRate: z.number().nullable(),
          averageProgress: z.number().nullable(),
          averageScore: z.number().nullable(),
        }),
        scoreDistribution: distribution,
        atRiskLearners: z.array(z.object({ userId: z.uuid(), name: z.string(), probability: z.number(), factors: z.array(factor) })),
      }),
    ),
  })
  .openapi("TrainerAnalytics");

const groupFigures = z.record(z.string(), z.unknown());

export const organizationAnalyticsSchema = z
  .object({
    subject: z.object({ type: z.literal("organization"), id: z.uuid() }),
    ...provenance,
    minGroupSize: z.number().int(),
    summary: groupFigures.nullable(),
    departments: z.array(z.object({ department: z.string(), learners: z.number().int(), figures: groupFigures })),
    courses: z.array(z.object({ courseId: z.string(), title: z.string().nullable(), learners: z.number().int(), figures: groupFigures })),
    trend: z.array(z.object({ date: z.string(), figures: groupFigures })),
  })
  .openapi("OrganizationAnalytics");
