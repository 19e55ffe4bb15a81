import { importJWK, type JWTPayload, SignJWT } from "jose";
import { roster } from "../dev/demo/roster";
import type { RunningWorker } from "./worker";
import { readJson } from "./worker";

/** A demo user by email, for ids in claims and paths. */
export const demoUser = (email: string) => {
  const user = roster.users.find((u) => u.email === email);
  if (!user) throw new Error(`no demo user ${email}`);
  return user;
};

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The claims an access token of this API carries for a demo user. */
export function claimsFor(email: string): JWTPayload {
  const user = demoUser(email);
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "learning-analytics-api",
    aud: "learning-analytics-api",
    sub: user.id,
    role: user.role,
    organizationId: user.organizationId,
    permissions: [],
    iat: now,
    exp: now + 600,
    jti: crypto.randomUUID(),
  };
}

/**
 * Signs `payload` with the Worker's own signing key (from its JWT_SIGNING_KEYS), so a test can
 * make tokens that are valid in every respect but the one it attacks.
 */
export async function signWithWorkerKey(signingKeys: string, payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const [jwk] = JSON.parse(signingKeys) as { kid: string }[];
  const key = await importJWK(jwk!, "ES256");
  return new SignJWT(payload).setProtectedHeader({ alg: "ES256", kid: jwk!.kid, typ: "at+jwt", ...header }).sign(key);
}

/** An unsigned token (`alg: none`), as an attacker would hand-craft it. */
export function unsignedToken(payload: JWTPayload, kid: string): string {
  return `${base64url({ alg: "none", typ: "at+jwt", kid })}.${base64url(payload)}.`;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

/** Signs in through the API, as a dashboard does. */
export async function login(worker: RunningWorker, email: string, password = "demo-password"): Promise<Session> {
  const response = await worker.fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return readJson(response);
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
