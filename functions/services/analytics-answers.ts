import type { z } from "@hono/zod-openapi";
import type { Env } from "../../core/env";
import {
  coursesTaughtBy,
  courseTitles,
  latestAnalyticsOfEnrolled,
  latestLearnerAnalytics,
  organizationAggregates,
  organizationHasAnalytics,
  organizationOf,
} from "../../db/queries/analytics-reads";
import { findRun } from "../../db/queries/runs";
import { storedLearnerMetrics } from "../../jobs/analyze/learner-metrics";
import type { Caller } from "../auth/access-token";
import { assertCanAccess } from "../auth/policy";
import type { learnerQuery, organizationQuery, trainerQuery } from "../schemas/analytics";
import { countSources, learnerView, organizationView, pendingLearner, rangeStart, trainerView } from "./analytics-views";
import type { Clients } from "./clients";
import { describeRun, requestRun } from "./runs";
import type { Built } from "./serve-cached";

/** The minimum group size an organisation gets when it has not set its own. */
export const DEFAULT_MIN_GROUP_SIZE = 5;

type LearnerQuery = z.infer<typeof learnerQuery>;
type TrainerQuery = z.infer<typeof trainerQuery>;
type OrganizationQuery = z.infer<typeof organizationQuery>;

/** Whose analytics a request names: the caller, or a subject in the caller's scope (else 404). */
export async function subjectInScope(
  clients: Clients,
  caller: Caller,
  kind: "learner" | "trainer",
  id: string | undefined,
): Promise<string> {
  const subject = id ?? caller.userId;
  if (subject !== caller.userId) await assertCanAccess(clients.db, caller, { kind, id: subject });
  return subject;
}

/** A learner's answer from their latest analytics; before any, a pending answer with a queued run. */
export async function learnerAnswer(clients: Clients, env: Env, caller: Caller, userId: string, query: LearnerQuery): Promise<Built> {
  const row = await latestLearnerAnalytics(clients.db, userId);
  if (row)
    return {
      body: learnerView(userId, { ...row, metrics: storedLearnerMetrics(row.metrics) }, query.timeRange, query.includePredictions),
      cacheable: true,
    };
  const { runId } = await requestRun(clients, env, { organizationId: caller.organizationId, scope: "user", scopeId: userId });
  return { body: pendingLearner(userId, query.timeRange, runId), cacheable: false };
}

/** A trainer's courses with their learners' latest analytics; before any, runs are queued per course. */
export async function trainerAnswer(clients: Clients, env: Env, caller: Caller, trainerId: string, query: TrainerQuery): Promise<Built> {
  const courses = await coursesTaughtBy(clients.db, trainerId);
  const rows = (
    await latestAnalyticsOfEnrolled(
      clients.db,
      courses.map((course) => course.id),
    )
  ).map((row) => ({
    ...row,
    metrics: row.metrics === null ? null : storedLearnerMetrics(row.metrics),
  }));
  const nothingYet = courses.length > 0 && rows.every((row) => row.metrics === null);
  let pendingRunId: string | null = null;
  if (nothingYet) {
    for (const course of courses) {
      const { runId } = await requestRun(clients, env, { organizationId: caller.organizationId, scope: "course", scopeId: course.id });
      pendingRunId ??= runId;
    }
  }
  return { body: trainerView(trainerId, courses, rows, query.timeRange, pendingRunId), cacheable: !nothingYet };
}

/** The organisation's aggregates over the range with the latest run's coverage; before any, a queued run. */
export async function organizationAnswer(clients: Clients, env: Env, organizationId: string, query: OrganizationQuery): Promise<Built> {
  const [organization, rows, titles, hasAnalytics] = await Promise.all([
    organizationOf(clients.db, organizationId),
    organizationAggregates(clients.db, organizationId, rangeStart(query.timeRange, new Date())),
    courseTitles(clients.db, organizationId),
    organizationHasAnalytics(clients.db, organizationId),
  ]);
  const pendingRunId = hasAnalytics
    ? null
    : (await requestRun(clients, env, { organizationId, scope: "organization", scopeId: organizationId })).runId;
  const latestRunId = rows.at(-1)?.runId;
  const run = latestRunId ? await findRun(clients.db, latestRunId) : undefined;
  const coverage = run ? (await describeRun(clients, run)).sources : {};
  const sources = countSources([]);
  for (const [service, entry] of Object.entries(coverage))
    sources[service as keyof typeof sources] = { ok: entry.ok, missing: entry.failed };
  const body = organizationView(
    organizationId,
    organization?.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE,
    rows,
    titles,
    sources,
    query.timeRange,
    pendingRunId,
  );
  return { body, cacheable: hasAnalytics };
}
