import { type Context, Hono } from "hono";
import type { z } from "zod";
import { ownEntry } from "../../core/codecs/own";
import { fieldErrors } from "../../core/errors/field-errors";
import { ProblemError } from "../../core/errors/problem";
import type { JobContext } from "../../jobs/context";
import { fanOutMessage, type JobStep, reportMessage, runStepMessage, scheduledMessage } from "../../jobs/messages";
import { aggregate } from "../../jobs/steps/aggregate";
import { analyze } from "../../jobs/steps/analyze";
import { cleanup } from "../../jobs/steps/cleanup";
import { collect } from "../../jobs/steps/collect";
import { failed } from "../../jobs/steps/failed";
import { fanout } from "../../jobs/steps/fanout";
import { fit } from "../../jobs/steps/fit";
import { nightly } from "../../jobs/steps/nightly";
import { plan } from "../../jobs/steps/plan";
import { renderReport } from "../../jobs/steps/render";
import type { AppEnv } from "../app-env";
import { type SignedBody, verifyQStashSignature } from "../middleware/verify-qstash";

/** A step behind its message schema: it runs only with a message that parsed. */
type Handler = (ctx: JobContext, body: unknown) => Promise<unknown>;

const step =
  <T>(schema: z.ZodType<T>, run: (ctx: JobContext, message: T) => Promise<unknown>): Handler =>
  (ctx, body) => {
    const message = schema.safeParse(body);
    if (!message.success)
      throw new ProblemError(400, "validation", "The job message is invalid.", { errors: fieldErrors("body", message.error) });
    return run(ctx, message.data);
  };

const STEPS: Record<JobStep, Handler> = {
  plan: step(runStepMessage, plan),
  fanout: step(fanOutMessage, fanout),
  collect: step(runStepMessage, collect),
  fit: step(runStepMessage, fit),
  analyze: step(runStepMessage, analyze),
  aggregate: step(runStepMessage, aggregate),
  nightly: step(scheduledMessage, nightly),
  cleanup: step(scheduledMessage, cleanup),
  render: step(reportMessage, renderReport),
};

/** The job endpoints: QStash-signed requests only, one small idempotent step each. */
type JobsEnv = AppEnv & { Variables: SignedBody };

/** What a step may use, from this request's clients and a clock read once. */
const context = (c: Context<JobsEnv>): JobContext => {
  const { db, redis, publisher } = c.get("clients");
  return { env: c.env, db, redis, publisher, now: new Date(), requestId: c.get("requestId"), fetch: (input, init) => fetch(input, init) };
};

export function jobRoutes(): Hono<JobsEnv> {
  const jobs = new Hono<JobsEnv>();
  jobs.use(verifyQStashSignature);

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
    const result = await handler(context(c), parseBody(c.get("signedBody")));
    return c.json({ ok: true, ...(result && typeof result === "object" ? { result } : {}) });
  });
  return jobs;
}
