import { ProblemError } from "../errors/problem";
import { fromHex, toHex } from "../lib/hex";
import { hmacSign, hmacVerify } from "../lib/hmac";

/** Deliveries older or newer than this are refused: a captured request cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const refuse = (detail: string) => new ProblemError(401, "unauthorized", detail);

export interface WebhookHeaders {
  service?: string;
  timestamp?: string;
  signature?: string;
}

/**
 * Checks `X-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` with the
 * sending service's own secret (compared in constant time), and the timestamp against the clock
 * (±5 min). Returns the authenticated service.
 *
 * `secrets` is a Map so that only configured services have a secret: on a plain object a service
 * named `constructor` or `toString` would find an inherited function whose (public) source text
 * would then serve as its key.
 */
export async function verifyWebhookSignature(secrets: ReadonlyMap<string, string>, headers: WebhookHeaders, rawBody: string, now: Date): Promise<string> {
  const { service, timestamp, signature } = headers;
  const secret = service ? secrets.get(service) : undefined;
  if (!service || !secret) throw refuse("Unknown or unconfigured X-Webhook-Service.");
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw refuse("X-Webhook-Timestamp must be Unix seconds.");
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) throw refuse("The delivery's timestamp is outside the accepted window.");
  const match = /^v1=([0-9a-f]{64})$/.exec(signature ?? "");
  if (!match) throw refuse("X-Webhook-Signature must be v1=<64 hex digits>.");
  const valid = await hmacVerify(secret, fromHex(match[1]!), `${timestamp}.${rawBody}`);
  if (!valid) throw refuse("The delivery's signature is invalid.");
  return service;
}

/** How a service signs a delivery (for its developers, and for tests). */
export async function signWebhook(secret: string, timestamp: number, rawBody: string): Promise<string> {
  return `v1=${toHex(await hmacSign(secret, `${timestamp}.${rawBody}`))}`;
}
