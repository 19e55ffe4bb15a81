import type { RunRequest } from "./runs";

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
  const subjects = [...learners.map((row) => ({ ...row, scope: "user" as const })), ...courses.map((row) => ({ ...row, scope: "course" as const }))];
  for (const { id, organizationId, scope } of subjects) {
    const runs = byOrganization.get(organizationId) ?? [];
    runs.push({ organizationId, scope, scopeId: id });
    byOrganization.set(organizationId, runs);
  }
  return [...byOrganization].flatMap(([organizationId, runs]): PlannedRun[] =>
    runs.length > maxPerOrganization ? [{ organizationId, scope: "organization", scopeId: organizationId, coalesced: runs.map((run) => run.scopeId) }] : runs,
  );
}
