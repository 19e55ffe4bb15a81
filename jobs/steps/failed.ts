import { fromBase64 } from "../../core/codecs/base64";
import { fieldErrors } from "../../core/errors/field-errors";
import { ProblemError } from "../../core/errors/problem";
import { settleParents } from "../../db/queries/nightly-runs";
import { endStep, findRun, findStep, finishRun } from "../../db/queries/runs";
import type { JobContext } from "../context";
import { failureCallback, runStepMessage } from "../messages";

const decode = (base64: string | undefined) => (base64 ? new TextDecoder().decode(fromBase64(base64)) : "");

/** A failure callback this step cannot read: a 400 (the delivery is bad, retrying it cannot help), never a 500. */
const invalid = (pointer: string, detail: string) =>
  new ProblemError(400, "validation", "The failure callback is invalid.", { errors: [{ pointer, detail }] });

/** Parses what QStash posted: the callback fields, the original message (base64 JSON) and the step's URL. */
function readCallback(payload: unknown) {
  const parsed = failureCallback.safeParse(payload);
  if (!parsed.success)
    throw new ProblemError(400, "validation", "The failure callback is invalid.", { errors: fieldErrors("body", parsed.error) });
  const callback = parsed.data;
  let source: unknown;
  try {
    source = JSON.parse(decode(callback.sourceBody) || "null");
  } catch {
    throw invalid("body.sourceBody", "must be base64-encoded JSON");
  }
  let url: URL;
  try {
    url = new URL(callback.url);
  } catch {
    throw invalid("body.url", "must be a URL");
  }
  return { callback, source, step: url.pathname.split("/").pop() || "step" };
}

/**
 * QStash's failure callback: a step used up its retries. The run is marked failed with the
 * reason the step recorded (the HTTP answer hides internals; our own record does not need to),
 * else with the last HTTP status. What earlier runs produced stays as it was, and readable; a
 * nightly run it belongs to ends without it. A malformed callback is a 400.
 */
export async function failed(ctx: JobContext, payload: unknown): Promise<void> {
  const { callback, source: message, step } = readCallback(payload);
  const source = runStepMessage.safeParse(message);
  if (!source.success) return;
  const { runId, batch } = source.data;
  const run = await findRun(ctx.db, runId);
  if (!run) return;
  const recorded = (await findStep(ctx.db, runId, step, batch))?.error;
  const cause = recorded ?? (callback.status ? `HTTP ${callback.status}` : "no answer");
  if (!recorded) await endStep(ctx.db, runId, step, batch, { status: "failed", error: cause });
  await finishRun(ctx.db, runId, "failed", `${step} (batch ${batch}) failed after ${(callback.retried ?? 0) + 1} attempts: ${cause}`);
  // An organisation run of a nightly run: the nightly run settles (`partial`) if this was its last.
  await settleParents(ctx.db, [run.parentRunId]);
}
