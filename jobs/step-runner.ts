import { beginStep, endStep } from "../db/queries/runs";
import type { JobContext } from "./context";

/**
 * Runs the work of (run, step, batch) unless a delivery already completed it or the run has
 * finished (a late message for a run that completed, failed or was expired as stuck does
 * nothing; the steps also check this first, but a run can be expired between). A failure is
 * recorded and rethrown, so the job answers 5xx and QStash retries; the retry runs the work again,
 * which is safe because every step writes with upserts keyed by run.
 */
export async function runOnce(
  ctx: JobContext,
  runId: string,
  step: string,
  batch: number,
  work: () => Promise<Record<string, unknown> | void>,
): Promise<void> {
  if (!(await beginStep(ctx.db, runId, step, batch))) return;
  try {
    const detail = await work();
    await endStep(ctx.db, runId, step, batch, { status: "completed", detail: detail ?? undefined });
  } catch (error) {
    await endStep(ctx.db, runId, step, batch, { status: "failed", error: error instanceof Error ? error.message : String(error) }).catch(
      () => {},
    );
    throw error;
  }
}
