import { DAY_MS } from "../../core/domain/time";
import { batchLearners } from "../../db/queries/run-batches";
import { completedSteps, findRun, isFinished } from "../../db/queries/runs";
import { learnerSubject, upsertSnapshots } from "../../db/queries/snapshots";
import type { LearnerSnapshots } from "../analyze/evidence";
import { keepForAnalysis } from "../analyze/keep-for-analysis";
import { CircuitBreakers } from "../collect/circuit-breaker";
import { SERVICES, type ServiceName } from "../collect/contracts";
import { runPooled } from "../collect/pool";
import { fetchLearnerData, type SourceResult } from "../collect/sources";
import type { JobContext } from "../context";
import { runFlow } from "../fan-out";
import type { RunStepMessage } from "../messages";
import { dedupId } from "../publisher";
import { runOnce } from "../step-runner";

/** Layer 2 (personal data) is kept for 7 days. */
export const PERSONAL_DATA_DAYS = 7;

export interface SourceCoverage {
  ok: number;
  failed: number;
  lastError?: string;
}

/**
 * Calls all nine services for every learner of the batch, UPSTREAM_CONCURRENCY calls at a time
 * (the Worker's connections; each call's deadline starts when it is sent). A source that fails,
 * times out, sends an invalid payload or has its circuit open is recorded and skipped; the batch
 * fails (and is retried) only when no source answered at all.
 */
export async function collect(ctx: JobContext, { runId, batch }: RunStepMessage): Promise<void> {
  const run = await findRun(ctx.db, runId);
  if (!run || isFinished(run)) return;
  await runOnce(ctx, runId, "collect", batch, async () => {
    const learners = await batchLearners(ctx.db, runId, batch);
    const breakers = await CircuitBreakers.load(
      ctx.redis,
      { failureThreshold: ctx.env.CIRCUIT_FAILURE_THRESHOLD, openSeconds: ctx.env.CIRCUIT_OPEN_SECONDS },
      SERVICES,
      ctx.now,
    );
    // Learner by learner, the nine services each: a failing service's calls are spread over the run.
    const calls = await runPooled(
      learners.flatMap((userId) =>
        SERVICES.map((service) => async (): Promise<{ userId: string; service: ServiceName; result: SourceResult }> => {
          if (!(await breakers.admit(service))) return { userId, service, result: { ok: false, reason: "circuit open" } };
          const result = await fetchLearnerData(ctx.env, ctx.fetch, service, userId);
          breakers.record(service, result.ok);
          return { userId, service, result };
        }),
      ),
      ctx.env.UPSTREAM_CONCURRENCY,
    );
    await breakers.save();

    const coverage: Record<string, SourceCoverage> = Object.fromEntries(SERVICES.map((service) => [service, { ok: 0, failed: 0 }]));
    for (const { service, result } of calls) {
      const entry = coverage[service]!;
      if (result.ok) entry.ok += 1;
      else {
        entry.failed += 1;
        entry.lastError = result.reason;
      }
    }

    const expiresAt = new Date(ctx.now.getTime() + PERSONAL_DATA_DAYS * DAY_MS);
    // Layer 2 keeps what analysis reads of each payload: the learner's rows and the catalogue they refer to.
    await upsertSnapshots(
      ctx.db,
      learners.flatMap((userId, i) => {
        // The calls are learner by learner, nine each; each payload passed its service's contract.
        const answered = calls
          .slice(i * SERVICES.length, (i + 1) * SERVICES.length)
          .flatMap(({ service, result }) => (result.ok ? [[service, result.payload]] : []));
        const kept = keepForAnalysis(userId, Object.fromEntries(answered) as LearnerSnapshots);
        return Object.entries(kept).map(([service, payload]) => ({
          runId,
          organizationId: run.organizationId!,
          service,
          subject: learnerSubject(userId),
          payload,
          expiresAt,
        }));
      }),
    );
    if (learners.length > 0 && calls.every(({ result }) => !result.ok)) {
      const reasons = SERVICES.map((service) => `${service}: ${coverage[service]!.lastError}`).join("; ");
      throw new Error(`no upstream source answered (${reasons})`);
    }
    return { learners: learners.length, sources: coverage };
  });

  if (run.fitModels) {
    if ((await completedSteps(ctx.db, runId, "collect")) >= (run.batchCount ?? 1)) {
      await ctx.publisher.publish("fit", { runId, batch: 0 }, { deduplicationId: dedupId(runId, "fit", 0), ...runFlow(ctx.env, run) });
    }
  } else {
    await ctx.publisher.publish(
      "analyze",
      { runId, batch },
      { deduplicationId: dedupId(runId, "analyze", batch), ...runFlow(ctx.env, run) },
    );
  }
}
