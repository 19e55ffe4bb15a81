import type { z } from "@hono/zod-openapi";
import { DAY_MS } from "../../core/domain/time";
import { TIME_RANGE_DAYS } from "../../core/domain/time-range";
import type { Env } from "../../core/env";
import { ProblemError } from "../../core/errors/problem";
import {
  coursesTaughtBy,
  lastRunFinishedAt,
  latestAnalyticsOfEnrolled,
  latestLearnerAnalytics,
  organizationAggregates,
  organizationGroups,
  organizationOf,
} from "../../db/queries/analytics-reads";
import { findRun } from "../../db/queries/runs";
import { rangeFigures, storedLearnerMetrics } from "../../jobs/analyze/learner-metrics";
import type { Caller } from "../auth/access-token";
import { assertCanAccess } from "../auth/policy";
import type { learnerQuery, organizationQuery, trainerQuery } from "../schemas/analytics";
import {
  countSources,
  hasRiskStatus,
  isAnalysed,
  learnerView,
  organizationView,
  type Pending,
  pendingLearner,
  trainerView,
} from "./analytics-views";
import type { Clients } from "./clients";
import { describeRun, type RunRequest, requestRun } from "./runs";
import type { Built } from "./serve-cached";

/** The minimum group size an organisation gets when it has not set its own. */
export const DEFAULT_MIN_GROUP_SIZE = 5;
/** After a run of a scope finished, a partial answer waits this long before asking for another (some learners may never be analysable). */
const PARTIAL_RETRY_PAUSE_MS = 15 * 60_000;

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
  if (kind === "trainer" && caller.role === "org_admin" && id === undefined) {
    // An admin is no trainer: an answer "about" them would be an empty ready one.
    throw new ProblemError(400, "validation", "An organisation admin must name the trainer.", {
      errors: [{ pointer: "query.trainerId", detail: "Required for the org_admin role" }],
    });
  }
  const subject = id ?? caller.userId;
  if (subject !== caller.userId) await assertCanAccess(clients.db, caller, { kind, id: subject });
  return subject;
}

/** Queues (or joins) a run and says when to come back: after the debounce and a little work. */
async function queue(clients: Clients, env: Env, request: RunRequest): Promise<Pending> {
  const { runId } = await requestRun(clients, env, request);
  return { runId, status: "queued", retryAfterSeconds: Math.max(5, env.REFRESH_DEBOUNCE_SECONDS + 10) };
}

/** For a partial answer: queue runs for what is missing unless one of the scope just finished. */
async function queueUnlessRecent(clients: Clients, env: Env, request: RunRequest): Promise<Pending | null> {
  const finished = await lastRunFinishedAt(clients.db, request.scope, request.scopeId);
  if (finished && Date.now() - finished.getTime() < PARTIAL_RETRY_PAUSE_MS) return null;
  return queue(clients, env, request);
}

/**
 * A learner's answer from their latest analytics; without any (or only from before ranges or
 * at-risk statuses were stored), pending with a queued run.
 */
export async function learnerAnswer(clients: Clients, env: Env, caller: Caller, userId: string, query: LearnerQuery): Promise<Built> {
  const row = await latestLearnerAnalytics(clients.db, userId);
  const metrics = row ? storedLearnerMetrics(row.metrics) : null;
  if (row && metrics && rangeFigures(metrics, query.timeRange) && hasRiskStatus(metrics)) {
    return { body: learnerView(userId, { ...row, metrics }, query.timeRange, query.includePredictions), cacheable: true };
  }
  const pending = await queue(clients, env, { organizationId: caller.organizationId, scope: "user", scopeId: userId });
  return { body: pendingLearner(userId, query.timeRange, pending), cacheable: false, retryAfterSeconds: pending.retryAfterSeconds };
}

/**
 * A trainer's courses with their learners' analytics over the range. Ready when every enrolled
 * learner is analysed; partial (runs queued for the courses with learners missing) or pending
 * otherwise, and then not cached.
 */
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
  const incomplete = courses.filter((course) => rows.some((row) => row.courseId === course.id && !isAnalysed(row, query.timeRange)));
  const nothingYet = rows.length > 0 && rows.every((row) => !isAnalysed(row, query.timeRange));
  let pending: Pending | null = null;
  for (const course of incomplete) {
    const request: RunRequest = { organizationId: caller.organizationId, scope: "course", scopeId: course.id };
    const queued = nothingYet ? await queue(clients, env, request) : await queueUnlessRecent(clients, env, request);
    pending ??= queued;
  }
  const body = trainerView(trainerId, courses, rows, query.timeRange, pending);
  return { body, cacheable: body.state === "ready", ...(pending ? { retryAfterSeconds: pending.retryAfterSeconds } : {}) };
}

/**
 * The organisation's aggregates for the range (small groups listed as suppressed) with the trend
 * over it. Ready when every learner is in the figures; partial or pending otherwise, not cached.
 */
export async function organizationAnswer(clients: Clients, env: Env, organizationId: string, query: OrganizationQuery): Promise<Built> {
  const since = new Date(Date.now() - TIME_RANGE_DAYS[query.timeRange] * DAY_MS - DAY_MS);
  const [organization, rows, groups] = await Promise.all([
    organizationOf(clients.db, organizationId),
    organizationAggregates(clients.db, organizationId, since),
    organizationGroups(clients.db, organizationId),
  ]);
  const request: RunRequest = { organizationId, scope: "organization", scopeId: organizationId };
  const summary = rows.findLast((row) => row.level === "organization");
  const complete = summary !== undefined && summary.groupSize >= groups.learners;
  const pending = !summary ? await queue(clients, env, request) : complete ? null : await queueUnlessRecent(clients, env, request);
  const run = summary?.runId ? await findRun(clients.db, summary.runId) : undefined;
  const sources = countSources([]);
  if (run) {
    for (const [service, entry] of Object.entries((await describeRun(clients, run)).sources)) {
      sources[service as keyof typeof sources] = { ok: entry.ok, missing: entry.failed };
    }
  }
  const minGroupSize = organization?.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const body = organizationView(organizationId, minGroupSize, rows, groups, sources, query.timeRange, pending);
  return { body, cacheable: body.state === "ready", ...(pending ? { retryAfterSeconds: pending.retryAfterSeconds } : {}) };
}
