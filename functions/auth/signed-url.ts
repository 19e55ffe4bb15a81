import { fromBase64url, toBase64url } from "../../core/codecs/base64";
import { hmacSign, hmacVerify } from "../../core/codecs/hmac";
import type { Env } from "../../core/env";

/** The most a download URL may live, whatever it says. */
export const MAX_URL_LIFETIME_SECONDS = 24 * 3600;

export interface SignedFile {
  reportId: string;
  organizationId: string;
  format: string;
}

export const filePath = (reportId: string) => `/api/v1/reports/${reportId}/file`;

/** Where links this API hands out start: PUBLIC_BASE_URL, else JOBS_BASE_URL (both this Worker), without a trailing slash. */
export const publicBaseUrl = (env: Env): string => (env.PUBLIC_BASE_URL ?? env.JOBS_BASE_URL).replace(/\/+$/, "");

/**
 * What a signature covers: every part of the request that must not change, one per line, so no
 * two different requests can share a canonical string.
 */
const canonical = (file: SignedFile, expires: number, kid: string) =>
  ["GET", filePath(file.reportId), file.reportId, file.organizationId, file.format, String(expires), kid].join("\n");

/** A download URL path with its query: `/api/v1/reports/<id>/file?exp=…&kid=…&sig=…`, valid `ttlSeconds`. */
export async function signFileUrl(env: Env, file: SignedFile, now: Date): Promise<{ path: string; expiresAt: Date }> {
  const { kid, secret } = env.REPORT_URL_KEYS[0]!;
  const expires = Math.floor(now.getTime() / 1000) + Math.min(env.REPORT_URL_TTL_SECONDS, MAX_URL_LIFETIME_SECONDS);
  const signature = await hmacSign(secret, canonical(file, expires, kid));
  return {
    path: `${filePath(file.reportId)}?exp=${expires}&kid=${encodeURIComponent(kid)}&sig=${toBase64url(signature)}`,
    expiresAt: new Date(expires * 1000),
  };
}

/** Verifies the signature of a URL that passed `checkFileUrl` against the report it names. */
export type FileUrlVerifier = (file: SignedFile) => Promise<boolean>;

/**
 * What a download URL proves by itself, before anything is read: its expiry is in the future and
 * no further than the cap, its key id is one of ours and its signature decodes. Undefined when
 * not; else the check of its signature (in constant time) against the report's fields.
 */
export function checkFileUrl(env: Env, query: { exp: number; kid: string; sig: string }, now: Date): FileUrlVerifier | undefined {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (query.exp <= nowSeconds || query.exp > nowSeconds + MAX_URL_LIFETIME_SECONDS) return undefined;
  const key = env.REPORT_URL_KEYS.find((candidate) => candidate.kid === query.kid);
  if (!key) return undefined;
  let signature: Uint8Array;
  try {
    signature = fromBase64url(query.sig);
  } catch {
    return undefined;
  }
  return (file) => hmacVerify(key.secret, signature, canonical(file, query.exp, query.kid));
}

/** Checks a download URL for a report: `checkFileUrl`, then its signature. False for anything else. */
export async function verifyFileUrl(
  env: Env,
  file: SignedFile,
  query: { exp: number; kid: string; sig: string },
  now: Date,
): Promise<boolean> {
  const verify = checkFileUrl(env, query, now);
  return verify ? verify(file) : false;
}
