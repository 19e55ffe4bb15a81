import { z } from "zod";

/** The job steps QStash delivers, each at `POST /jobs/<step>`. */
export const JOB_STEPS = ["plan", "fanout", "collect", "fit", "analyze", "aggregate", "nightly", "cleanup", "render"] as const;
export type JobStep = (typeof JOB_STEPS)[number];

/** A step of one run; `batch` numbers the learner batch (0 for steps that run once per run). */
export const runStepMessage = z.object({ runId: z.uuid(), batch: z.number().int().min(0).default(0) }).strict();
export type RunStepMessage = z.infer<typeof runStepMessage>;

/** The per-batch steps a run fans out to. */
export const FAN_OUT_STEPS = ["collect", "analyze"] as const;
export type FanOutStep = (typeof FAN_OUT_STEPS)[number];

/** Continues a fan-out: publishes `step` for the run's batches from `from` on (see jobs/fan-out.ts). */
export const fanOutMessage = z.object({ runId: z.uuid(), step: z.enum(FAN_OUT_STEPS), from: z.number().int().min(1) }).strict();
export type FanOutMessage = z.infer<typeof fanOutMessage>;

/** Renders one report. */
export const reportMessage = z.object({ reportId: z.uuid() }).strict();
export type ReportMessage = z.infer<typeof reportMessage>;

/**
 * The nightly fan-out and the clean-up carry the time they were scheduled for and count their rounds
 * (the clean-up's bounded rounds, the nightly's pages of organisations); a nightly page after the
 * first carries `after`, the id of the last organisation of the page before (its keyset cursor).
 */
export const scheduledMessage = z
  .object({ scheduledTime: z.iso.datetime(), round: z.number().int().min(0).default(0), after: z.guid().optional() })
  .strict();
export type ScheduledMessage = z.infer<typeof scheduledMessage>;

/**
 * What QStash posts to the failure callback once a message has used up its retries: the
 * original request (`sourceBody`, base64) and the last response status.
 */
export const failureCallback = z.object({
  status: z.number().int().optional(),
  sourceBody: z.string(),
  url: z.string(),
  retried: z.number().int().optional(),
});
