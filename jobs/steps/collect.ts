import { DAY_MS } from "../../core/domain/time";
import { batchLearners } from "../../db/queries/run-batches";
import { completedSteps, findRun, isFinished } from "../../db/queries/runs";
import { learnerSubject, upsertSnapshots } from "../../db/queries/snapshots";
import { CircuitBreakers } from "../collect/circuit-breaker";
import { SERVICES, type ServiceName } from "../collect/contracts";
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
 * Calls all nine services for every learner of the batch, concurrently. A source that fails,
 * times out, sends an invalid payload or has its circuit open is recorded and skipped; the batch
 * fails (and is retried) only when no source answered at all.
 */
export async function collect(ctx: JobContext, { runId, batch }: RunStepMessage): Promise<void> {
  const run = await findRun(ctx.db, runId);
  if (!run || isFinished(run)) return;
  await runOnce(ctx, runId, "collect", batch, async () => {
    const learners = await batchLearners(ctx.db, runId, batch);
    const breakers = new CircuitBreakers(ctx.redis, {
      failureThreshold: ctx.env.CIRCUIT_FAILURE_THRESHOLD,
      openSeconds: ctx.env.CIRCUIT_OPEN_SECONDS,
    });
    const open = await breakers.open(SERVICES, ctx.now);
    const calls = await Promise.all(
      learners.flatMap((userId) =>
        SERVICES.map(
          async (service): Promise<{ userId: string; service: ServiceName; result: SourceResult }> => ({
            userId,
            service,
            result: open.has(service) ? { ok: false, reason: "circuit open" } : await fetchLearnerData(ctx.env, ctx.fetch, service, userId),
          }),
        ),
      ),
    );

    const coverage: Record<string, SourceCoverage> = Object.fromEntries(SERVICES.map((service) => [service, { ok: 0, failed: 0 }]));
    const outcomes = new Map<string, { failures: number; successes: number }>();
    for (const { service, result } of calls) {
      const entry = coverage[service]!;
      if (result.ok) entry.ok += 1;
      else {
        entry.failed += 1;
        entry.lastError = result.reason;
      }
      if (!open.has(service)) {
        const outcome = outcomes.get(service) ?? { failures: 0, successes: 0 };
        outcome[result.ok ? "successes" : "failures"] += 1;
        outcomes.set(service, outcome);
      }
    }
    await breakers.record(outcomes, ctx.now);

    const expiresAt = new Date(ctx.now.getTime() + PERSONAL_DATA_DAYS * DAY_MS);
    await upsertSnapshots(
      ctx.db,
      calls.flatMap(({ userId, service, result }) =>
        result.ok
          ? [{ runId, organizationId: run.organizationId!, service, subject: learnerSubject(userId), payload: result.payload, expiresAt }]
          : [],
      ),
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
