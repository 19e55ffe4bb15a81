import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { acceptDelivery, subjectsWithOrganizations } from "../../db/queries/webhooks";
import { qstashPublisher } from "../../jobs/publisher";
import type { AppEnv } from "../app-env";
import { verifyWebhookSignature } from "../auth/webhook-signature";
import { ProblemError } from "../../core/errors/problem";
import { fieldErrors } from "../../core/errors/field-errors";
import { consume, rejectIfLimited } from "../middleware/rate-limit";
import { noQuery } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import { webhookAcceptedSchema, webhookBody, webhookHeaders } from "../schemas/webhooks";
import { requestRun } from "../services/runs";
import { planWebhookRuns } from "../services/webhook-runs";

const webhookRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks/refresh",
  tags: ["Webhooks"],
  summary: "An upstream service says learners or courses changed; pings are debounced into runs",
  description:
    "Queues (or joins) one run per named learner and course; a delivery naming more than WEBHOOK_MAX_RUNS (default 20) of one organisation queues that organisation's run instead.",
  request: { query: noQuery, headers: webhookHeaders },
  responses: {
    202: { description: "Accepted", content: { "application/json": { schema: webhookAcceptedSchema } } },
    ...problemResponses(400, 401, 413, 415, 429, 503),
  },
});

export function registerWebhookRoutes(app: OpenAPIHono<AppEnv>): void {
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
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ProblemError(400, "validation", "The body is not JSON.");
    }
    const body = webhookBody.safeParse(json);
    if (!body.success) throw new ProblemError(400, "validation", "The webhook payload is invalid.", { errors: fieldErrors("json", body.error) });
    if (!(await acceptDelivery(c.get("clients").db, service, headers["x-webhook-delivery"]))) {
      throw new ProblemError(401, "unauthorized", "This delivery id was already accepted (replay).");
    }

    const { userIds = [], courseIds = [] } = body.data;
    const known = await subjectsWithOrganizations(c.get("clients").db, userIds, courseIds);
    const publisher = qstashPublisher(c.env);
    const runs = [];
    for (const { coalesced, ...request } of planWebhookRuns(known.learners, known.courses, c.env.WEBHOOK_MAX_RUNS)) {
      const queued = await requestRun(c.get("clients"), c.env, publisher, request);
      runs.push({ ...queued, scope: request.scope, scopeId: request.scopeId, ...(coalesced ? { coalesced } : {}) });
    }
    const knownIds = new Set([...known.learners, ...known.courses].map((row) => row.id));
    return c.json({ runs, unknown: [...userIds, ...courseIds].filter((id) => !knownIds.has(id)) }, 202);
  });
}
