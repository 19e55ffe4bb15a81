import { Client } from "@upstash/qstash";
import type { Env } from "../core/env";
import type { JobStep } from "./messages";

export interface PublishOptions {
  /** QStash drops a second message with the same id: a redelivered step cannot start its successor twice. */
  deduplicationId: string;
  delaySeconds?: number;
}

/** Sends job steps. The jobs depend on this, not on QStash, so tests can watch what they publish. */
export interface Publisher {
  publish(step: JobStep, body: object, options: PublishOptions): Promise<void>;
}

const JOB_RETRIES = 3;
const clients = new WeakMap<Env, Client>();

/** Publishes to `${JOBS_BASE_URL}/jobs/<step>` with retries and the failure callback. */
export function qstashPublisher(env: Env): Publisher {
  let client = clients.get(env);
  if (!client) clients.set(env, (client = new Client({ token: env.QSTASH_TOKEN, baseUrl: env.QSTASH_URL })));
  const qstash = client;
  return {
    async publish(step, body, { deduplicationId, delaySeconds }) {
      await qstash.publishJSON({
        url: `${env.JOBS_BASE_URL}/jobs/${step}`,
        body,
        deduplicationId,
        retries: JOB_RETRIES,
        failureCallback: `${env.JOBS_BASE_URL}/jobs/failed`,
        ...(delaySeconds ? { delay: delaySeconds } : {}),
      });
    },
  };
}

/** Deduplication ids: QStash accepts letters, digits, `-`, `_` and `.`. */
export const dedupId = (...parts: (string | number)[]) => parts.join(".");
