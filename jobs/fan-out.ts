import type { Env } from "../core/env";
import type { JobContext } from "./context";
import type { FanOutStep } from "./messages";
import { dedupId, MAX_BATCH_MESSAGES, type OutgoingMessage, type PublishOptions } from "./publisher";

interface FanOutRun {
  id: string;
  organizationId: string | null;
  batchCount: number | null;
}

/**
 * Flow control for every step of an organisation's runs: QStash delivers at most
 * PIPELINE_PARALLELISM of them at once, however many batches a run has.
 */
export const runFlow = (env: Env, run: { organizationId: string | null }): Pick<PublishOptions, "flowControl"> =>
  run.organizationId ? { flowControl: { key: `pipeline.${run.organizationId}`, parallelism: env.PIPELINE_PARALLELISM } } : {};

/**
 * Publishes `step` for the run's batches `from`, `from + 1`, … in one batch publish of at most
 * MAX_BATCH_MESSAGES messages; when more batches remain, the last message of the batch is a
 * `fanout` continuation that publishes the next ones. So one invocation makes one QStash request
 * whatever the size of the run, and each message is deduplicated, so a redelivery repeats nothing.
 */
export async function fanOut(ctx: JobContext, run: FanOutRun, step: FanOutStep, from = 0): Promise<void> {
  const total = run.batchCount ?? 1;
  const remaining = total - from;
  if (remaining <= 0) return;
  const room = remaining > MAX_BATCH_MESSAGES ? MAX_BATCH_MESSAGES - 1 : remaining;
  const flow = runFlow(ctx.env, run);
  const messages: OutgoingMessage[] = Array.from({ length: room }, (_, i) => ({
    step,
    body: { runId: run.id, batch: from + i },
    options: { deduplicationId: dedupId(run.id, step, from + i), ...flow },
  }));
  if (from + room < total) {
    messages.push({
      step: "fanout",
      body: { runId: run.id, step, from: from + room },
      options: { deduplicationId: dedupId(run.id, "fanout", step, from + room) },
    });
  }
  await ctx.publisher.publishBatch(messages);
}
