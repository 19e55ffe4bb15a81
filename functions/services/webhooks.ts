import type { z } from "@hono/zod-openapi";
import type { Env } from "../../core/env";
import { fieldErrors } from "../../core/errors/field-errors";
import { ProblemError } from "../../core/errors/problem";
import { acceptDelivery, subjectsWithOrganizations } from "../../db/queries/webhooks";
import { type webhookAcceptedSchema, webhookBody } from "../schemas/webhooks";
import type { Clients } from "./clients";
import { type RunRequest, requestRun } from "./runs";

type WebhookAccepted = z.infer<typeof webhookAcceptedSchema>;

/** A learner or course named by a delivery, with its organisation. */
export interface Subject {
  id: string;
  organizationId: string;
}

/** A run to queue; an organisation run says which named ids it stands for. */
export type PlannedRun = RunRequest & { coalesced?: string[] };

/**
 * The runs a webhook delivery queues: one per named learner and course, except that an
 * organisation with more than `maxPerOrganization` of them gets a single organisation run
 * instead (it covers all of its learners and courses). So one delivery queues at most
 * `maxPerOrganization` runs per organisation, and every named subject is covered exactly once.
 */
export function planWebhookRuns(learners: readonly Subject[], courses: readonly Subject[], maxPerOrganization: number): PlannedRun[] {
  const byOrganization = new Map<string, RunRequest[]>();
  const subjects = [
    ...learners.map((row) => ({ ...row, scope: "user" as const })),
    ...courses.map((row) => ({ ...row, scope: "course" as const })),
  ];
  for (const { id, organizationId, scope } of subjects) {
    const runs = byOrganization.get(organizationId) ?? [];
    runs.push({ organizationId, scope, scopeId: id });
    byOrganization.set(organizationId, runs);
  }
  return [...byOrganization].flatMap(([organizationId, runs]): PlannedRun[] =>
    runs.length > maxPerOrganization
      ? [{ organizationId, scope: "organization", scopeId: organizationId, coalesced: runs.map((run) => run.scopeId) }]
      : runs,
  );
}

/**
 * Accepts a verified delivery: parses its body (only now: the signature covered the raw bytes),
 * refuses a delivery id the service already used, and queues or joins the planned runs.
 */
export async function acceptWebhook(
  clients: Clients,
  env: Env,
  service: string,
  deliveryId: string,
  raw: string,
): Promise<WebhookAccepted> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ProblemError(400, "validation", "The body is not JSON.");
  }
  const body = webhookBody.safeParse(json);
  if (!body.success)
    throw new ProblemError(400, "validation", "The webhook payload is invalid.", { errors: fieldErrors("json", body.error) });
  if (!(await acceptDelivery(clients.db, service, deliveryId))) {
    throw new ProblemError(401, "unauthorized", "This delivery id was already accepted (replay).");
  }
  const { userIds = [], courseIds = [] } = body.data;
  const known = await subjectsWithOrganizations(clients.db, userIds, courseIds);
  const runs: WebhookAccepted["runs"] = [];
  for (const { coalesced, ...request } of planWebhookRuns(known.learners, known.courses, env.WEBHOOK_MAX_RUNS)) {
    const queued = await requestRun(clients, env, request);
    runs.push({ ...queued, scope: request.scope, scopeId: request.scopeId, ...(coalesced ? { coalesced } : {}) });
  }
  const knownIds = new Set([...known.learners, ...known.courses].map((row) => row.id));
  return { runs, unknown: [...userIds, ...courseIds].filter((id) => !knownIds.has(id)) };
}
