import { createHash, randomUUID } from "node:crypto";
import { SignJWT } from "jose";

/** QStash signatures expire five minutes after they are made. */
const SIGNATURE_TTL_SECONDS = 5 * 60;

/**
 * The `Upstash-Signature` of one delivery, made the way QStash makes it: an HS256 JWT signed
 * with the current signing key, `sub` = the destination URL and `body` = base64url(sha256(raw
 * body)). QStash pads that hash with "=" (Go's URL encoding); `Receiver` strips padding on both
 * sides before comparing, so we pad too rather than rely on that.
 */
export async function signDelivery(signingKey: string, url: string, body: Uint8Array): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const bodyHash = createHash("sha256").update(body).digest("base64").replaceAll("+", "-").replaceAll("/", "_");
  return new SignJWT({ body: bodyHash })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("Upstash")
    .setSubject(url)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + SIGNATURE_TTL_SECONDS)
    .setJti(`jwt_${randomUUID()}`)
    .sign(new TextEncoder().encode(signingKey));
}
