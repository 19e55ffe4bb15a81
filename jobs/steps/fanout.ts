import { findRun, isFinished } from "../../db/queries/runs";
import type { JobContext } from "../context";
import { fanOut } from "../fan-out";
import type { FanOutMessage } from "../messages";

/** A fan-out continuation: publishes the next batches of a run's step (nothing for a finished run). */
export async function fanout(ctx: JobContext, { runId, step, from }: FanOutMessage): Promise<void> {
  const run = await findRun(ctx.db, runId);
  if (!run || isFinished(run)) return;
  await fanOut(ctx, run, step, from);
}
