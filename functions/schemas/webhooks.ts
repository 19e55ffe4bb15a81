import { z } from "@hono/zod-openapi";
import { DELIVERY_ID } from "../auth/webhook-signature";
import { EXAMPLE_IDS } from "./common";

export const webhookBody = z
  .object({
    userIds: z.array(z.uuid()).max(1_000).optional(),
    courseIds: z.array(z.uuid()).max(1_000).optional(),
  })
  .strict()
  .refine((body) => (body.userIds?.length ?? 0) + (body.courseIds?.length ?? 0) > 0, "name at least one userId or courseId")
  .openapi("WebhookRefresh", { example: { userIds: [EXAMPLE_IDS.learner], courseIds: [EXAMPLE_IDS.course] } });

export const webhookHeaders = z.object({
  "x-webhook-service": z.string().openapi({ description: "The sending service, e.g. assessment" }),
  "x-webhook-delivery": z
    .string()
    .regex(DELIVERY_ID)
    .openapi({ description: "Unique per delivery (1–200 of A-Z a-z 0-9 _ . : -), covered by the signature; a repeat is refused" }),
  "x-webhook-timestamp": z.string().openapi({ description: "Unix seconds when the delivery was signed (±5 min)" }),
  "x-webhook-signature": z.string().openapi({
    description:
      "v2=<hex HMAC-SHA256(secret, `${timestamp}\n${deliveryId}\n${rawBody}`)>: timestamp, delivery id and raw body joined by newlines",
  }),
});

export const webhookAcceptedSchema = z
  .object({
    runs: z.array(
      z.object({
        runId: z.uuid(),
        scope: z.enum(["user", "course", "organization"]),
        scopeId: z.uuid(),
        joined: z.boolean(),
        coalesced: z.array(z.uuid()).optional().openapi({
          description:
            "On an organisation run only: the named learner and course ids it stands for (a delivery naming more than WEBHOOK_MAX_RUNS of one organisation gets one organisation run instead of one run each)",
        }),
      }),
    ),
    unknown: z.array(z.uuid()).openapi({ description: "Ids this API does not know (ignored)" }),
  })
  .openapi("WebhookAccepted");
