import { asc, eq } from "drizzle-orm";
import { sha256Hex, uuidFromHex } from "../../core/codecs/digest";
import { findRun, finishRun, queueRun, startRun } from "../../db/queries/runs";
import { organizations, pipelineRuns } from "../../db/schema";
import type { JobContext } from "../context";
import type { ScheduledMessage } from "../messages";
import { dedupId } from "../publisher";
import { runOnce } from "../step-runner";

/** The nightly run of a day has a fixed id, so a redelivered start message finds the same run. */
const nightlyRunId = async (day: string) => uuidFromHex(await sha256Hex(`nightly:${day}`));

/**
 * Starts the nightly run: one organisation run per organisation (each refits the skill models,
 * then collects, analyses and aggregates its learners in batches). The last organisation run to
 * finish starts the clean-up.
 */
export async function nightly(ctx: JobContext, { scheduledTime }: ScheduledMessage): Promise<void> {
  const { id: parentRunId } = await queueRun(ctx.db, {
    id: await nightlyRunId(scheduledTime.slice(0, 10)),
    scope: "nightly",
    scopeId: null,
    organizationId: null,
  });
  await runOnce(ctx, parentRunId, "nightly", 0, async () => {
    const orgs = await ctx.db.orm.select({ id: organizations.id }).from(organizations).orderBy(asc(organizations.id));
    await startRun(ctx.db, parentRunId, orgs.length);
    for (const org of orgs) {
      await queueRun(ctx.db, { organizationId: org.id, scope: "organization", scopeId: org.id, parentRunId, fitModels: true });
    }
    return { organizations: orgs.length };
  });
  const children = await ctx.db.orm.select({ id: pipelineRuns.id }).from(pipelineRuns).where(eq(pipelineRuns.parentRunId, parentRunId));
  for (const child of children) {
    await ctx.publisher.publish("plan", { runId: child.id, batch: 0 }, { deduplicationId: dedupId(child.id, "plan", 0) });
  }
  if (children.length === 0 && (await findRun(ctx.db, parentRunId))?.status === "running") {
    await ctx.publisher.publish("cleanup", { scheduledTime, round: 0 }, { deduplicationId: dedupId(parentRunId, "cleanup") });
    await finishRun(ctx.db, parentRunId, "completed");
  }
}
