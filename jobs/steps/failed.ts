import { endStep, findRun, findStep, finishRun } from "../../db/queries/runs";
import { fromBase64 } from "../../functions/lib/base64";
import type { JobContext } from "../context";
import { failureCallback, runStepMessage } from "../messages";

const decode = (base64: string | undefined) => (base64 ? new TextDecoder().decode(fromBase64(base64)) : "");

/**
 * QStash's failure callback: a step used up its retries. The run is marked failed with the
 * reason the step recorded (the HTTP answer hides internals; our own record does not need to),
 * else with the last HTTP status. What earlier runs produced stays as it was, and readable.
 */
export async function failed(ctx: JobContext, payload: unknown): Promise<void> {
  const callback = failureCallback.parse(payload);
  const source = runStepMessage.safeParse(JSON.parse(decode(callback.sourceBody) || "null"));
  if (!source.success) return;
  const { runId, batch } = source.data;
  const step = new URL(callback.url).pathname.split("/").pop() ?? "step";
  if (!(await findRun(ctx.db, runId))) return;
  const recorded = (await findStep(ctx.db, runId, step, batch))?.error;
  const cause = recorded ?? (callback.status ? `HTTP ${callback.status}` : "no answer");
  if (!recorded) await endStep(ctx.db, runId, step, batch, { status: "failed", error: cause });
  await finishRun(ctx.db, runId, "failed", `${step} (batch ${batch}) failed after ${(callback.retried ?? 0) + 1} attempts: ${cause}`);
}
