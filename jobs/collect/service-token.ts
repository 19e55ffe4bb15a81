import { SignJWT } from "jose";
import type { Env } from "../../core/env";
import { keyRing, SIGNING_ALGORITHM } from "../../core/signing-keys";

/** The subject upstream services see on our calls. */
export const SERVICE_SUBJECT = "service:learning-analytics-api";
/** Not an access token's `at+jwt`: a service token can never pass as a user's token here. */
const SERVICE_TOKEN_TYPE = "service+jwt";
/** Mint a fresh token once the cached one has less than this left, so it never expires in flight. */
const RENEW_BEFORE_SECONDS = 15;

interface Cached {
  token: string;
  expiresAt: number;
}

const cache = new WeakMap<Env, Map<string, Cached>>();

/**
 * A short-lived token for calling one upstream service (`aud` = its name), signed with our key
 * (services verify it with our JWKS). Reused per isolate until shortly before it expires, so a
 * collect step calling nine services signs at most nine tokens.
 */
export async function serviceToken(env: Env, service: string, now = Math.floor(Date.now() / 1000)): Promise<string> {
  let tokens = cache.get(env);
  if (!tokens) cache.set(env, (tokens = new Map()));
  const cached = tokens.get(service);
  if (cached && cached.expiresAt - now > RENEW_BEFORE_SECONDS) return cached.token;

  const ring = await keyRing(env);
  const expiresAt = now + env.SERVICE_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ scope: "analytics-data:read" })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: ring.signing.kid, typ: SERVICE_TOKEN_TYPE })
    .setIssuer(env.JWT_ISSUER)
    .setAudience(service)
    .setSubject(SERVICE_SUBJECT)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .setJti(crypto.randomUUID())
    .sign(ring.signing.key);
  tokens.set(service, { token, expiresAt });
  return token;
}
