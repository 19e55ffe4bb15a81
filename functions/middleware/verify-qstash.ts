import { Receiver } from "@upstash/qstash";
import type { MiddlewareHandler } from "hono";
import type { Env } from "../../core/env";
import { ProblemError } from "../../core/errors/problem";
import type { AppEnv } from "../app-env";

const receivers = new WeakMap<Env, Receiver>();

/** The raw body, verified; later handlers read it from here rather than the stream. */
export type SignedBody = { signedBody: string };

/**
 * Lets a request through only with a valid QStash signature over its raw body and this exact URL,
 * made with the current or the next signing key. Anything else is a 401 before any work.
 */
export const verifyQStashSignature: MiddlewareHandler<AppEnv & { Variables: SignedBody }> = async (c, next) => {
  const signature = c.req.header("Upstash-Signature");
  if (!signature) throw new ProblemError(401, "unauthorized", "Job requests must carry an Upstash-Signature.");
  let receiver = receivers.get(c.env);
  if (!receiver) {
    receiver = new Receiver({ currentSigningKey: c.env.QSTASH_CURRENT_SIGNING_KEY, nextSigningKey: c.env.QSTASH_NEXT_SIGNING_KEY });
    receivers.set(c.env, receiver);
  }
  const body = await c.req.text();
  const url = `${c.env.JOBS_BASE_URL}${c.req.path}`;
  const valid = await receiver.verify({ signature, body, url, clockTolerance: 60 }).catch(() => false);
  if (!valid) throw new ProblemError(401, "unauthorized", "The job request's signature is invalid.");
  c.set("signedBody", body);
  await next();
};
