import { decodeJwt, errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Env } from "../../core/env";
import { ProblemError } from "../../core/errors/problem";
import { keyRing, SIGNING_ALGORITHM } from "../../core/signing-keys";
import { externalKey } from "./external-issuer";
import { isRole, PERMISSIONS, type Role } from "./roles";

/** RFC 9068's media type for JWT access tokens; a token of another `typ` is not an access token. */
const ACCESS_TOKEN_TYPE = "at+jwt";
/** How far apart our clock and the issuer's may be (expiry, not-before, issued-at). */
const CLOCK_TOLERANCE_SECONDS = 60;

/** Who is calling, as established by a verified access token. */
export interface Caller {
  userId: string;
  /** Not narrowed to `Role`: an external issuer may send a role this API does not know (→ 403). */
  role: string;
  organizationId: string;
  permissions: readonly string[];
  tokenId: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
  /** The refresh-token family (login session) the token was issued in; ours only. */
  sessionId?: string;
  issuer: "self" | "external";
}

const claims = z.object({
  sub: z.uuid(),
  role: z.string().min(1),
  organizationId: z.uuid(),
  permissions: z.array(z.string()).optional(),
  jti: z.string().min(1).max(200),
  exp: z.number(),
  sid: z.uuid().optional(),
});

/** A 401 that tells the client, in RFC 6750 terms, why its token was refused. */
export function unauthorized(detail: string, tokenPresented = true): ProblemError {
  const challenge = tokenPresented
    ? `Bearer realm="learning-analytics", error="invalid_token", error_description="${detail}"`
    : 'Bearer realm="learning-analytics"';
  return new ProblemError(401, "unauthorized", detail, {}, { "WWW-Authenticate": challenge });
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** Signs an access token for a user of this API, bound to the login session `sessionId`. */
export async function issueAccessToken(
  env: Env,
  user: { id: string; role: Role; organizationId: string },
  sessionId: string,
): Promise<IssuedToken> {
  const ring = await keyRing(env);
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    role: user.role,
    organizationId: user.organizationId,
    permissions: PERMISSIONS[user.role],
    sid: sessionId,
  })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: ring.signing.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(env.JWT_ISSUER)
    .setAudience(env.JWT_AUDIENCE)
    .setSubject(user.id)
    .setIssuedAt(now)
    .setExpirationTime(now + env.ACCESS_TOKEN_TTL_SECONDS)
    .setJti(crypto.randomUUID())
    .sign(ring.signing.key);
  return { token, expiresIn: env.ACCESS_TOKEN_TTL_SECONDS };
}

async function verifyOwn(env: Env, token: string): Promise<JWTPayload> {
  const ring = await keyRing(env);
  const { payload } = await jwtVerify(
    token,
    (header) => {
      // Only our own keys, looked up by kid: a token cannot bring or choose its key.
      const key = header.kid ? ring.verifying.get(header.kid) : undefined;
      if (!key) throw new errors.JWKSNoMatchingKey();
      return key;
    },
    {
      algorithms: [SIGNING_ALGORITHM],
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      typ: ACCESS_TOKEN_TYPE,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: env.ACCESS_TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["sub", "exp", "iat", "jti"],
    },
  );
  return payload;
}

async function verifyExternal(env: Env, token: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, externalKey(env), {
    algorithms: [env.EXTERNAL_JWT_ALGORITHM!],
    issuer: env.EXTERNAL_JWT_ISSUER,
    audience: env.EXTERNAL_JWT_AUDIENCE,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ["sub", "exp", "jti"],
  });
  return payload;
}

/**
 * Verifies an access token of this API or, when configured, of the platform's auth service.
 * The issuer read before verification only picks which pinned configuration applies; algorithm,
 * key, issuer and audience all come from configuration, never from the token.
 */
export async function verifyAccessToken(env: Env, token: string): Promise<Caller> {
  let issuer: string | undefined;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw unauthorized("The access token is malformed.");
  }
  const external = Boolean(env.EXTERNAL_JWT_ISSUER) && issuer === env.EXTERNAL_JWT_ISSUER;
  let payload: JWTPayload;
  try {
    payload = external ? await verifyExternal(env, token) : await verifyOwn(env, token);
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw unauthorized("The access token has expired.");
    if (error instanceof errors.JOSEError) throw unauthorized("The access token is invalid.");
    throw error;
  }
  const parsed = claims.safeParse(payload);
  if (!parsed.success) throw unauthorized("The access token lacks required claims.");
  const { sub, role, organizationId, permissions, jti, exp, sid } = parsed.data;
  return {
    userId: sub,
    role,
    organizationId,
    permissions: permissions ?? (isRole(role) ? PERMISSIONS[role] : []),
    tokenId: jti,
    expiresAt: exp,
    ...(sid && !external ? { sessionId: sid } : {}),
    issuer: external ? "external" : "self",
  };
}
