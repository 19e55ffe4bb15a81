import { Client } from "@upstash/qstash";
import type { Env } from "../core/env";
import type { JobStep } from "./messages";

export interface PublishOptions {
  /** QStash drops a second message with the same id: a redelivered step cannot start its successor twice. */
  deduplicationId: string;
  delaySeconds?: number;
  /**
   * QStash flow control: at most `parallelism` messages with this key are delivered at once (the
   * rest wait in QStash, not in the Worker), so a run of 1,000 batches does not open 1,000
   * database sessions together.
   */
  flowControl?: { key: string; parallelism: number };
}

/** One message of a batch publish. */
export interface OutgoingMessage {
  step: JobStep;
  body: object;
  options: PublishOptions;
}

/**
 * Most messages one batch publish carries. A step that fans out publishes at most this many
 * (one QStash request) and hands the rest on to a continuation, so no invocation's subrequests
 * grow with the size of an organisation.
 */
export const MAX_BATCH_MESSAGES = 100;

/** Sends job steps. The jobs depend on this, not on QStash, so tests can watch what they publish. */
export interface Publisher {
  publish(step: JobStep, body: object, options: PublishOptions): Promise<void>;
  /** Up to MAX_BATCH_MESSAGES messages in one request (QStash's batch endpoint); more is a programming error. */
  publishBatch(messages: readonly OutgoingMessage[]): Promise<void>;
}

const JOB_RETRIES = 3;
const clients = new WeakMap<Env, Client>();

/** Publishes to `${JOBS_BASE_URL}/jobs/<step>` with retries and the failure callback. */
export function qstashPublisher(env: Env): Publisher {
  let client = clients.get(env);
  if (!client) clients.set(env, (client = new Client({ token: env.QSTASH_TOKEN, baseUrl: env.QSTASH_URL })));
  const qstash = client;
  const request = ({ step, body, options: { deduplicationId, delaySeconds, flowControl } }: OutgoingMessage) => ({
    url: `${env.JOBS_BASE_URL}/jobs/${step}`,
    body,
    deduplicationId,
    retries: JOB_RETRIES,
    failureCallback: `${env.JOBS_BASE_URL}/jobs/failed`,
    ...(delaySeconds ? { delay: delaySeconds } : {}),
    ...(flowControl ? { flowControl } : {}),
  });
  return {
    async publish(step, body, options) {
      await qstash.publishJSON(request({ step, body, options }));
    },
    async publishBatch(messages) {
      if (messages.length === 0) return;
      if (messages.length > MAX_BATCH_MESSAGES) {
        throw new Error(`a batch publish carries at most ${MAX_BATCH_MESSAGES} messages, not ${messages.length}`);
      }
      await qstash.batchJSON(messages.map(request));
    },
  };
}

/** Deduplication ids: QStash accepts letters, digits, `-`, `_` and `.`. */
export const dedupId = (...parts: (string | number)[]) => parts.join(".");
