import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { verifyWebhookSignature } from "../auth/webhook-signature";
import { consume, rejectIfLimited } from "../middleware/rate-limit";
import { noQuery } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import { webhookAcceptedSchema, webhookBody, webhookHeaders } from "../schemas/webhooks";
import { acceptWebhook } from "../services/webhooks";

const webhookRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks/refresh",
  operationId: "receiveWebhook",
  tags: ["Webhooks"],
  // No bearer token: a delivery authenticates by its X-Webhook-* headers, an HMAC with the sending service's own secret.
  security: [],
  summary: "An upstream service says learners or courses changed; pings are debounced into runs",
  description:
    "Queues (or joins) one run per named learner and course; a delivery naming more than WEBHOOK_MAX_RUNS (default 20) of one organisation queues that organisation's run instead. " +
    "Authenticated by the X-Webhook-* headers, not a bearer token: X-Webhook-Signature is `v2=` and the hex HMAC-SHA256, with the sending service's secret (WEBHOOK_SECRETS), " +
    "of the timestamp, the delivery id and the raw body joined by newlines. The signature is checked before the body is read (401 when it does not hold), then the body (400).",
  request: {
    query: noQuery,
    headers: webhookHeaders,
    // A plain reference, not the zod schema: the route must verify the signature over the raw bytes
    // before anything parses them, so the body is documented here and validated by the service.
    body: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/WebhookRefresh" } } } },
  },
  responses: {
    202: { description: "Accepted", content: { "application/json": { schema: webhookAcceptedSchema } } },
    ...problemResponses(400, 401, 413, 415, 429, 503),
  },
});

export function registerWebhookRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.register("WebhookRefresh", webhookBody);
  app.openapi(webhookRoute, async (c) => {
    // The signature covers the raw bytes, so the body is read as text and parsed only after it verifies.
    const raw = await c.req.text();
    const headers = c.req.valid("header");
    const service = await verifyWebhookSignature(
      c.env.WEBHOOK_SECRETS,
      {
        service: headers["x-webhook-service"],
        delivery: headers["x-webhook-delivery"],
        timestamp: headers["x-webhook-timestamp"],
        signature: headers["x-webhook-signature"],
      },
      raw,
      new Date(),
    );
    // Counted only once the signature holds, so no one without the secret can spend a service's budget.
    rejectIfLimited(await consume(c, "webhook", service), "webhook deliveries from this service");
    return c.json(await acceptWebhook(c.get("clients"), c.env, service, headers["x-webhook-delivery"], raw), 202);
  });
}
