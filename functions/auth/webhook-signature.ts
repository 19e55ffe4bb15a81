import { ProblemError } from "../errors/problem";

/** Deliveries older or newer than this are refused: a captured request cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const refuse = (detail: string) => new ProblemError(401, "unauthorized", detail);
const hexToBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));

export interface WebhookHeaders {
  service?: string;
  timestamp?: string;
  signature?: string;
}

/**
 * Checks `X-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` with the
 * sending service's own secret, and the timestamp against the clock (±5 min). WebCrypto's
 * `verify` compares in constant time. Returns the authenticated service.
 */
export async function verifyWebhookSignature(secrets: Record<string, string>, headers: WebhookHeaders, rawBody: string, now: Date): Promise<string> {
  const { service, timestamp, signature } = headers;
  const secret = service ? secrets[service] : undefined;
  if (!service || !secret) throw refuse("Unknown or unconfigured X-Webhook-Service.");
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw refuse("X-Webhook-Timestamp must be Unix seconds.");
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) throw refuse("The delivery's timestamp is outside the accepted window.");
  const match = /^v1=([0-9a-f]{64})$/.exec(signature ?? "");
  if (!match) throw refuse("X-Webhook-Signature must be v1=<64 hex digits>.");
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const valid = await crypto.subtle.verify("HMAC", key, hexToBytes(match[1]!), new TextEncoder().encode(`${timestamp}.${rawBody}`));
  if (!valid) throw refuse("The delivery's signature is invalid.");
  return service;
}

/** How a service signs a delivery (for its developers, and for tests). */
export async function signWebhook(secret: string, timestamp: number, rawBody: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${rawBody}`)));
  return `v1=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
