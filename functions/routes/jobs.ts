import { Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../app-env";
import { ProblemError } from "../../core/errors/problem";
import { fieldErrors } from "../../core/errors/field-errors";
import { ownEntry } from "../../core/codecs/own";
import type { JobContext } from "../../jobs/context";
import { reportMessage, runStepMessage, scheduledMessage, type JobStep } from "../../jobs/messages";
import { qstashPublisher } from "../../jobs/publisher";
import { aggregate } from "../../jobs/steps/aggregate";
import { analyze } from "../../jobs/steps/analyze";
import { cleanup } from "../../jobs/steps/cleanup";
import { collect } from "../../jobs/steps/collect";
import { failed } from "../../jobs/steps/failed";
import { fit } from "../../jobs/steps/fit";
import { nightly } from "../../jobs/steps/nightly";
import { plan } from "../../jobs/steps/plan";
import { renderReport } from "../../jobs/steps/render";
import { verifyQStashSignature, type SignedBody } from "../middleware/verify-qstash";

type Handler = { schema: z.ZodType; run: (ctx: JobContext, message: never) => Promise<unknown> };

const STEPS: Record<JobStep, Handler> = {
  plan: { schema: runStepMessage, run: plan },
  collect: { schema: runStepMessage, run: collect },
  fit: { schema: runStepMessage, run: fit },
  analyze: { schema: runStepMessage, run: analyze },
  aggregate: { schema: runStepMessage, run: aggregate },
  nightly: { schema: scheduledMessage, run: nightly },
  cleanup: { schema: scheduledMessage, run: cleanup },
  render: { schema: reportMessage, run: renderReport },
};

/** The job endpoints: QStash-signed requests only, one small idempotent step each. */
export function jobRoutes(): Hono<AppEnv & { Variables: SignedBody }> {
  const jobs = new Hono<AppEnv & { Variables: SignedBody }>();
  jobs.use(verifyQStashSignature);

  const context = (c: { env: AppEnv["Bindings"]; get: (key: "clients" | "requestId") => unknown }): JobContext => {
    const { db, redis } = c.get("clients") as AppEnv["Variables"]["clients"];
    return { env: c.env, db, redis, publisher: qstashPublisher(c.env), now: new Date(), requestId: c.get("requestId") as string, fetch: (input, init) => fetch(input, init) };
  };

  const parseBody = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new ProblemError(400, "validation", "The job message is not JSON.");
    }
  };

  jobs.post("/failed", async (c) => {
    await failed(context(c), parseBody(c.get("signedBody")));
    return c.json({ ok: true });
  });

  jobs.post("/:step", async (c) => {
    const handler = ownEntry(STEPS, c.req.param("step"));
    if (!handler) throw new ProblemError(404, "not-found", `No job step ${c.req.param("step")}.`);
    const message = handler.schema.safeParse(parseBody(c.get("signedBody")));
    if (!message.success) throw new ProblemError(400, "validation", "The job message is invalid.", { errors: fieldErrors("body", message.error) });
    const result = await handler.run(context(c), message.data as never);
    return c.json({ ok: true, ...(result && typeof result === "object" ? { result } : {}) });
  });
  return jobs;
}
