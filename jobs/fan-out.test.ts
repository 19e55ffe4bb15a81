import { describe, expect, it } from "vitest";
import { envSchema } from "../core/env";
import { productionEnv } from "../test/env-fixture";
import type { JobContext } from "./context";
import { fanOut } from "./fan-out";
import { MAX_BATCH_MESSAGES, type OutgoingMessage, type Publisher } from "./publisher";

const RUN = { id: "5b0a3c1e-0000-4000-8000-000000000001", organizationId: "5b0a3c1e-0000-4000-8000-0000000000aa" };

/** A context whose publisher records each batch publish; fan-out touches nothing else. */
function recordingContext() {
  const batches: OutgoingMessage[][] = [];
  const publisher: Publisher = {
    publish: async () => {
      throw new Error("fan-out publishes batches only");
    },
    publishBatch: async (messages) => {
      batches.push([...messages]);
    },
  };
  const env = envSchema.parse({ ...productionEnv, PIPELINE_PARALLELISM: "4" });
  return { ctx: { publisher, env } as unknown as JobContext, batches };
}

/** Runs a fan-out and every continuation it publishes, as QStash would deliver them. */
async function fanOutFully(batchCount: number) {
  const { ctx, batches } = recordingContext();
  await fanOut(ctx, { ...RUN, batchCount }, "collect");
  for (let i = 0; i < batches.length; i += 1) {
    const continuation = batches[i]?.find((message) => message.step === "fanout");
    if (continuation) await fanOut(ctx, { ...RUN, batchCount }, "collect", (continuation.body as { from: number }).from);
  }
  return batches;
}

describe("fanOut", () => {
  it("publishes a small run's batches in one request", async () => {
    const batches = await fanOutFully(3);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((message) => message.body)).toEqual([0, 1, 2].map((batch) => ({ runId: RUN.id, batch })));
  });

  it("hands a large run on in continuations: 250 batches are 3 requests of at most 100 messages, each batch exactly once", async () => {
    const batches = await fanOutFully(250);
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 52]);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(MAX_BATCH_MESSAGES);
    const collected = batches.flat().filter((message) => message.step === "collect");
    expect(collected.map((message) => (message.body as { batch: number }).batch)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(
      batches
        .flat()
        .filter((message) => message.step === "fanout")
        .map((message) => message.body),
    ).toEqual([
      { runId: RUN.id, step: "collect", from: 99 },
      { runId: RUN.id, step: "collect", from: 198 },
    ]);
  });

  it("keys every step message to its organisation's flow control and deduplicates each by run, step and batch", async () => {
    const [first] = await fanOutFully(2);
    expect(first?.map((message) => message.options)).toEqual([
      { deduplicationId: `${RUN.id}.collect.0`, flowControl: { key: `pipeline.${RUN.organizationId}`, parallelism: 4 } },
      { deduplicationId: `${RUN.id}.collect.1`, flowControl: { key: `pipeline.${RUN.organizationId}`, parallelism: 4 } },
    ]);
  });

  it("publishes nothing past the last batch (a redelivered last continuation)", async () => {
    const { ctx, batches } = recordingContext();
    await fanOut(ctx, { ...RUN, batchCount: 5 }, "analyze", 5);
    expect(batches).toEqual([]);
  });
});
