import { fromHex, toHex } from "../../core/codecs/hex";
import { hmacSign, hmacVerify } from "../../core/codecs/hmac";
import { ProblemError } from "../../core/errors/problem";

/** Deliveries older or newer than this are refused: a captured request cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** What an `X-Webhook-Delivery` may be: no newline, so it cannot blur into the body in the signed text. */
export const DELIVERY_ID = /^[\w.:-]{1,200}$/;

const refuse = (detail: string) => new ProblemError(401, "unauthorized", detail);

export interface WebhookHeaders {
  service?: string;
  delivery?: string;
  timestamp?: string;
  signature?: string;
}

/**
 * The signed text: `<timestamp>\n<delivery id>\n<raw body>`. Neither the timestamp (digits) nor the
 * delivery id (`DELIVERY_ID`) can hold a newline, so each text has exactly one reading. Covering the
 * delivery id means a captured delivery cannot be replayed under a fresh id within the window.
 */
const signedText = (timestamp: string, delivery: string, rawBody: string) => `${timestamp}\n${delivery}\n${rawBody}`;

/**
 * Checks `X-Webhook-Signature: v2=<hex HMAC-SHA256(secret, "<timestamp>\n<delivery id>\n<raw body>")>`
 * with the sending service's own secret (compared in constant time), and the timestamp against the
 * clock (±5 min). Returns the authenticated service.
 *
 * `secrets` is a Map so that only configured services have a secret: on a plain object a service
 * named `constructor` or `toString` would find an inherited function whose (public) source text
 * would then serve as its key.
 */
export async function verifyWebhookSignature(
  secrets: ReadonlyMap<string, string>,
  headers: WebhookHeaders,
  rawBody: string,
  now: Date,
): Promise<string> {
  const { service, delivery, timestamp, signature } = headers;
  const secret = service ? secrets.get(service) : undefined;
  if (!service || !secret) throw refuse("Unknown or unconfigured X-Webhook-Service.");
  if (!delivery || !DELIVERY_ID.test(delivery)) throw refuse("X-Webhook-Delivery must be 1 to 200 of A-Z a-z 0-9 _ . : -.");
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw refuse("X-Webhook-Timestamp must be Unix seconds.");
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS)
    throw refuse("The delivery's timestamp is outside the accepted window.");
  if (signature?.startsWith("v1="))
    throw refuse("v1 signatures (which did not cover the delivery id) are no longer accepted; sign v2, see the API's README.");
  const match = /^v2=([0-9a-f]{64})$/.exec(signature ?? "");
  if (!match) throw refuse("X-Webhook-Signature must be v2=<64 hex digits>.");
  const valid = await hmacVerify(secret, fromHex(match[1]!), signedText(timestamp, delivery, rawBody));
  if (!valid) throw refuse("The delivery's signature is invalid.");
  return service;
}

/** How a service signs a delivery (for its developers, and for tests). */
export async function signWebhook(secret: string, timestamp: number, delivery: string, rawBody: string): Promise<string> {
  if (!DELIVERY_ID.test(delivery)) throw new Error(`not a valid delivery id: ${JSON.stringify(delivery)}`);
  return `v2=${toHex(await hmacSign(secret, signedText(String(timestamp), delivery, rawBody)))}`;
}
