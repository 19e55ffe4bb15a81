import { z } from "@hono/zod-openapi";
import { TIME_RANGES } from "../../core/domain/time-range";
import type { CourseRisk } from "../../jobs/analyze/course-risk";
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

const probability = z.number().min(0).max(1).openapi({ description: "A probability, 4 decimals" });
const share = z.number().min(0).max(1).openapi({ description: "A share of a group, 0..1, 4 decimals" });
const score = z.number().openapi({ description: "A score or average, 2 decimals (scores as a share of the maximum: 4)" });
const rate = z.number().openapi({ description: "A rate (per week), 2 decimals" });

const provenance = {
  state: z.enum(["ready", "partial", "pending"]).openapi({
    description:
      "ready: every figure was computed for this subject and range; partial: some learners are not analysed yet (coverage says how many; a run is queued for the rest); pending: nothing is computed yet (pending says which run and when to come back)",
  }),
  timeRange: z.enum(TIME_RANGES),
  window: z
    .object({
      from: z.iso.datetime(),
      to: z.iso.datetime(),
      complete: z.boolean().openapi({
        description: "false when the range reaches further back than the data kept (e.g. a learner's 1y: upstream keeps 90 days)",
      }),
      note: z.string().nullable(),
    })
    .nullable()
    .openapi({ description: "The period the figures actually cover" }),
  computedAt: z.iso.datetime().nullable(),
  dataAsOf: z.iso.datetime().nullable().openapi({ description: "End of the window the upstream data covers" }),
  runId: z.uuid().nullable(),
  coverage: z
    .object({ analysed: z.number().int(), total: z.number().int() })
    .openapi({ description: "Learners of the subject analysed so far / in all" }),
  pending: z
    .object({ runId: z.uuid(), status: z.string(), retryAfterSeconds: z.number().int() })
    .nullable()
    .openapi({ description: "The run that will produce the missing figures, and when to ask again (also in Retry-After)" }),
  sources: z
    .record(z.enum(SERVICES), z.object({ ok: z.number().int(), missing: z.number().int() }))
    .openapi({ description: "Per upstream service: subjects it answered for / did not" }),
};

const seriesPoint = z.object({ date: z.string().openapi({ description: "First day of the bucket (UTC)" }), units: z.number() });

/** What a prediction says of an enrolment: only in-progress (or not started) ones are scored. */
const AT_RISK_STATUSES = ["at_risk", "not_at_risk", "withdrawn", "completed"] as const satisfies readonly CourseRisk["status"][];

const factor = z
  .object({
    feature: z.string().openapi({ description: "The model's name of the factor (stable, for programs)", example: "sinceActivity" }),
    label: z.string().openapi({ description: "What the factor says about the learner, for people", example: "No activity for" }),
    value: z.number().nullable().openapi({ description: "The model's value of the factor, 4 decimals (null when unknown)" }),
    display: z.string().openapi({ description: "The value in the label's units", example: "16 days" }),
    contribution: z
      .number()
      .positive()
      .openapi({ description: "How much the factor raises the risk (its share of the logit), 4 decimals; always above 0" }),
  })
  .openapi("AtRiskFactor");
const factors = z.array(factor);
const riskStatus = z.enum(AT_RISK_STATUSES).openapi({
  description:
    "at_risk: predicted not to complete, the probability at or above the at-risk model's threshold (AT_RISK_THRESHOLD, chosen on OULAD 2013J as the README's model section states); not_at_risk: below it; withdrawn, completed: the enrolment has ended, so it is not scored",
});
const risk = {
  status: riskStatus,
  probability: probability
    .nullable()
    .openapi({ description: "The probability of not completing the course, 4 decimals; null for withdrawn and completed enrolments" }),
  factors: factors.openapi({
    description: "At most three factors that raise the risk, largest first; none for withdrawn and completed enrolments",
  }),
};
const atRisk = z.object(risk).openapi("AtRisk");
const projection = z
  .object({ date: z.string(), weeksRemaining: z.number(), rate: z.number(), earliest: z.string(), latest: z.string().nullable() })
  .nullable();

export const learnerAnalyticsSchema = z
  .object({
    subject: z.object({ type: z.literal("learner"), id: z.uuid() }),
    ...provenance,
    velocity: z
      .object({
        unitsCompleted: z.number().int(),
        unitsPerWeek: rate,
        trend: rate.openapi({ description: "Units per week in the second half of the window minus the first half" }),
        peerPercentile: z.number().min(0).max(100).nullable(),
        step: z.enum(["day", "week"]),
        series: z.array(seriesPoint),
      })
      .nullable(),
    mastery: z
      .object({
        overall: share,
        threshold: probability,
        asOf: z.iso.datetime().openapi({ description: "Mastery is a state: the estimate at the end of the window" }),
        skills: z.array(
          z.object({
            skillId: z.string(),
            name: z.string().nullable(),
            probability,
            responses: z.number().int(),
            mastered: z.boolean(),
            masteryReachable: z.boolean().openapi({
              description:
                "False when the skill's fitted parameters keep P(mastered) below the threshold even after endless right answers: no learner can be certified on it",
            }),
          }),
        ),
      })
      .nullable(),
    skillGaps: z
      .array(
        z.object({
          skillId: z.string(),
          name: z.string().nullable(),
          gap: score,
          importance: score,
          mastery: probability,
          priority: z.number().openapi({ description: "gap × importance × (1 − mastery), 4 decimals" }),
        }),
      )
      .nullable(),
    engagement: z
      .object({
        score: z.number().int().min(0).max(100),
        components: z.record(z.string(), z.object({ value: share, weight: share, contribution: score })),
      })
      .nullable(),
    predictions: z
      .object({
        atRisk: z.object({ courseId: z.uuid().nullable(), ...risk, status: riskStatus.nullable() }).openapi({
          description:
            "The learner's enrolment with the highest probability among those scored (not withdrawn or completed); courseId, status and probability null when there is none",
        }),
        courses: z.array(z.object({ courseId: z.uuid(), title: z.string().nullable(), atRisk, projectedCompletion: projection })),
      })
      .optional()
      .openapi({ description: "Only with includePredictions=true" }),
  })
  .openapi("LearnerAnalytics");

const distribution = z.object({
  count: z.number().int(),
  mean: score.nullable(),
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  quantiles: z.object({ p10: score, p25: score, p50: score, p75: score, p90: score }).nullable(),
});

const suppressed = { suppressed: z.literal(true), reason: z.string() };

export const trainerAnalyticsSchema = z
  .object({
    subject: z.object({ type: z.literal("trainer"), id: z.uuid() }),
    ...provenance,
    courses: z.array(
      z.object({
        courseId: z.uuid(),
        code: z.string(),
        title: z.string(),
        coverage: z.object({ analysed: z.number().int(), total: z.number().int() }),
        performance: z.object({
          enrolled: z.number().int(),
          analysed: z.number().int(),
          activeInRange: z.number().int().openapi({ description: "Learners who completed a unit in the window" }),
          completed: z.number().int().openapi({ description: "Learners who have completed the course (now)" }),
          completedInRange: z.number().int().openapi({ description: "Learners who completed it within the window" }),
          completionRate: share.nullable(),
          averageProgress: share.nullable(),
          averageScore: share
            .nullable()
            .openapi({ description: "Mean of each learner's average score in the window (share of the maximum)" }),
          unitsPerWeek: rate.nullable().openapi({ description: "Units completed per learner per week in the window" }),
        }),
        scoreDistribution: distribution,
        atRiskLearners: z.array(z.object({ userId: z.uuid(), name: z.string(), probability, factors })).openapi({
          description: "The course's learners with status at_risk (never withdrawn or completed ones), highest probability first",
        }),
      }),
    ),
  })
  .openapi("TrainerAnalytics");

const groupFigures = z
  .record(z.string(), z.unknown())
  .openapi({ description: "The group's figures for the range; numbers rounded by the API's policy" });

export const organizationAnalyticsSchema = z
  .object({
    subject: z.object({ type: z.literal("organization"), id: z.uuid() }),
    ...provenance,
    minGroupSize: z.number().int(),
    summary: groupFigures.nullable(),
    departments: z.array(
      z.union([
        z.object({ department: z.string(), learners: z.number().int(), figures: groupFigures }),
        z.object({ department: z.string(), ...suppressed }),
      ]),
    ),
    courses: z.array(
      z.union([
        z.object({ courseId: z.string(), title: z.string().nullable(), learners: z.number().int(), figures: groupFigures }),
        z.object({ courseId: z.string(), title: z.string().nullable(), ...suppressed }),
      ]),
    ),
    trend: z.object({
      step: z.enum(["day", "week"]),
      points: z.array(z.object({ date: z.string(), figures: groupFigures })),
    }),
  })
  .openapi("OrganizationAnalytics");
