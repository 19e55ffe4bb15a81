import { z } from "@hono/zod-openapi";

export const refreshBody = z
  .object({
    userId: z.uuid().optional().openapi({ description: "A learner in the caller's scope (default: the caller)" }),
    courseId: z.uuid().optional().openapi({ description: "A course in the caller's scope" }),
  })
  .strict()
  .refine((body) => !(body.userId && body.courseId), "give userId or courseId, not both")
  .openapi("AnalyticsRefreshRequest");

export const queuedRunSchema = z
  .object({
    runId: z.uuid().openapi({ description: "The first of `runs` (the one `Location` points at)" }),
    status: z.literal("queued"),
    joined: z.boolean().openapi({ description: "True when an already queued run for the first run's scope was joined" }),
    runs: z
      .array(
        z.object({
          runId: z.uuid(),
          scope: z.enum(["user", "course", "organization"]),
          scopeId: z.uuid(),
          joined: z.boolean().openapi({ description: "True when an already queued run for this scope was joined" }),
        }),
      )
      .min(1)
      .openapi({
        description:
          "Every run queued or joined: one, except for a trainer's refresh without a body, which queues one run per course they teach",
      }),
  })
  .openapi("QueuedRun");

const stageSchema = z.object({
  status: z.enum(["pending", "running", "completed", "failed"]),
  batches: z.object({ completed: z.number().int(), total: z.number().int() }),
  attempts: z.number().int(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  error: z.string().optional(),
});

export const runSchema = z
  .object({
    id: z.uuid(),
    scope: z.enum(["user", "course", "organization", "nightly"]),
    scopeId: z.uuid().nullable(),
    status: z.enum(["queued", "running", "completed", "partial", "failed"]).openapi({
      description: "`partial`: a nightly run some of whose organisation runs failed while the others completed",
    }),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    error: z.string().nullable(),
    stages: z.record(z.string(), stageSchema),
    sources: z.record(z.string(), z.object({ ok: z.number().int(), failed: z.number().int(), lastError: z.string().optional() })),
    missingSources: z.array(z.string()).openapi({ description: "Sources that answered for no learner of the run" }),
  })
  .openapi("PipelineRun");
