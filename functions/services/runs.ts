import type { z } from "@hono/zod-openapi";
import { ownEntry } from "../../core/codecs/own";
import type { Env } from "../../core/env";
import { ProblemError } from "../../core/errors/problem";
import { log } from "../../core/logger";
import { coursesTaughtBy } from "../../db/queries/analytics-reads";
import { settleParents } from "../../db/queries/nightly-runs";
import { runProgress } from "../../db/queries/run-progress";
import { findRun, finishRun, queueRun, type RunScope } from "../../db/queries/runs";
import { SERVICES } from "../../jobs/collect/contracts";
import { dedupId } from "../../jobs/publisher";
import type { SourceCoverage } from "../../jobs/steps/collect";
import { stuckLimits } from "../../jobs/stuck-limits";
import type { Caller } from "../auth/access-token";
import { assertCanAccess, assertCanSeeRun } from "../auth/policy";
import type { runSchema } from "../schemas/runs";
import type { Clients } from "./clients";

type PipelineRunView = z.infer<typeof runSchema>;
type StageView = PipelineRunView["stages"][string];

export interface RunRequest {
  organizationId: string;
  scope: Exclude<RunScope, "nightly">;
  scopeId: string;
}

/** A run queued (or joined) for a request, and for which scope. */
export interface QueuedRun {
  runId: string;
  joined: boolean;
  scope: RunRequest["scope"];
  scopeId: string;
}

/**
 * Queues a pipeline run for a scope, or joins the one already queued for it. The run starts after
 * REFRESH_DEBOUNCE_SECONDS, so requests and webhook pings arriving meanwhile join the same run.
 *
 * No scope can get stuck: a queued run of the scope that has not started RUN_START_GRACE_SECONDS
 * after its debounce (its start message was lost), or a run none of whose steps began or ended for
 * RUN_STALL_SECONDS, is marked failed, and this request queues a new run instead of joining it
 * (the hourly clean-up sweeps the same runs in scopes nobody asks for again).
 */
export async function requestRun(clients: Clients, env: Env, request: RunRequest): Promise<QueuedRun> {
  const { id, joined, expired } = await queueRun(clients.db, request, stuckLimits(env));
  for (const run of expired) {
    log("warn", "stuck run expired", { runId: run.id, scope: request.scope, scopeId: request.scopeId, reason: run.error, nextRunId: id });
  }
  // An expired organisation run of a nightly run: the nightly run settles if it was its last.
  await settleParents(
    clients.db,
    expired.map((run) => run.parentRunId),
  );
  if (!joined) {
    try {
      await clients.publisher.publish(
        "plan",
        { runId: id, batch: 0 },
        { deduplicationId: dedupId(id, "plan", 0), delaySeconds: env.REFRESH_DEBOUNCE_SECONDS },
      );
    } catch (error) {
      // A queued run nobody will start would swallow every later request for this scope.
      await finishRun(clients.db, id, "failed", `could not be queued: ${error instanceof Error ? error.message : String(error)}`);
      throw new ProblemError(503, "queue-unavailable", "The job queue is unavailable; try again shortly.", {}, { "Retry-After": "30" });
    }
  }
  return { runId: id, joined, scope: request.scope, scopeId: request.scopeId };
}

const STAGES = ["plan", "collect", "fit", "analyze", "aggregate"] as const;

/** A run as its readers see it: stage by stage and source coverage, summed by the database. */
export async function describeRun(clients: Clients, run: NonNullable<Awaited<ReturnType<typeof findRun>>>): Promise<PipelineRunView> {
  const progress = await runProgress(clients.db, run.id);
  const stages = Object.fromEntries(
    STAGES.filter((stage) => stage !== "fit" || run.fitModels).map((stage) => {
      const own = progress.steps.find((step) => step.step === stage);
      const expected = stage === "collect" || stage === "analyze" ? (run.batchCount ?? 1) : 1;
      const completed = own?.completed ?? 0;
      const status: StageView["status"] = completed >= expected ? "completed" : own?.failed ? "failed" : own ? "running" : "pending";
      const view: StageView = {
        status,
        batches: { completed, total: expected },
        attempts: own?.attempts ?? 0,
        startedAt: own?.startedAt?.toISOString() ?? null,
        finishedAt: status === "completed" ? (own?.finishedAt?.toISOString() ?? null) : null,
        ...(own?.error ? { error: own.error } : {}),
      };
      return [stage, view];
    }),
  );
  const coverage: Record<string, SourceCoverage> = Object.fromEntries(SERVICES.map((service) => [service, { ok: 0, failed: 0 }]));
  for (const source of progress.sources) {
    const total = ownEntry(coverage, source.service);
    if (!total) continue;
    total.ok = source.ok;
    total.failed = source.failed;
    if (source.lastError) total.lastError = source.lastError;
  }
  const collected = (progress.steps.find((step) => step.step === "collect")?.completed ?? 0) > 0;
  return {
    id: run.id,
    scope: run.scope,
    scopeId: run.scopeId,
    status: run.status,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
    stages,
    sources: coverage,
    missingSources: collected ? SERVICES.filter((service) => (coverage[service]?.ok ?? 0) === 0) : [],
  };
}

/**
 * What the caller asked to refresh, within their scope: the learner or course the body names, or
 * by default the caller's own analytics: a learner's own, every course a trainer teaches (a trainer
 * is not a learner: a run over them would compute nothing), an admin's organisation.
 */
async function refreshRequests(clients: Clients, caller: Caller, body: { userId?: string; courseId?: string }): Promise<RunRequest[]> {
  const { organizationId } = caller;
  if (body.courseId) {
    await assertCanAccess(clients.db, caller, { kind: "course", id: body.courseId });
    return [{ organizationId, scope: "course", scopeId: body.courseId }];
  }
  if (body.userId) {
    await assertCanAccess(clients.db, caller, { kind: "user", id: body.userId });
    return [{ organizationId, scope: "user", scopeId: body.userId }];
  }
  if (caller.role === "org_admin") return [{ organizationId, scope: "organization", scopeId: organizationId }];
  if (caller.role === "trainer") {
    const courses = await coursesTaughtBy(clients.db, caller.userId);
    if (courses.length === 0) {
      throw new ProblemError(409, "nothing-to-refresh", "You teach no course: name a learner (userId) or a course (courseId) to refresh.");
    }
    return courses.map((course) => ({ organizationId, scope: "course" as const, scopeId: course.id }));
  }
  return [{ organizationId, scope: "user", scopeId: caller.userId }];
}

/** Queues (or joins) the runs for what the caller asked to refresh, within their scope: at least one. */
export async function refreshForCaller(
  clients: Clients,
  env: Env,
  caller: Caller,
  body: { userId?: string; courseId?: string },
): Promise<[QueuedRun, ...QueuedRun[]]> {
  const [first, ...others] = await refreshRequests(clients, caller, body);
  if (!first) throw new Error("a refresh always names at least one run");
  const runs: [QueuedRun, ...QueuedRun[]] = [await requestRun(clients, env, first)];
  for (const request of others) runs.push(await requestRun(clients, env, request));
  return runs;
}

/** A run the caller may see, stage by stage (404 for a run outside their scope, as for none). */
export async function runForCaller(clients: Clients, caller: Caller, runId: string): Promise<PipelineRunView> {
  const run = await findRun(clients.db, runId);
  if (!run) throw new ProblemError(404, "not-found", "No run with this id.");
  await assertCanSeeRun(clients.db, caller, run);
  return describeRun(clients, run);
}
