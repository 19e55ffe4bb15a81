import { toBase64url } from "../../core/codecs/base64";
import { sha256Hex } from "../../core/codecs/digest";
import type { Env } from "../../core/env";
import { ProblemError } from "../../core/errors/problem";
import { findRefreshFamily, insertRefreshToken, revokeRefreshFamily, spendRefreshToken } from "../../db/queries/refresh-tokens";
import { findAccount, findCredentials } from "../../db/queries/users";
import { type Caller, issueAccessToken, unauthorized } from "../auth/access-token";
import { hashPassword, verifyPassword } from "../auth/password";
import type { Clients } from "./clients";
import { revoke, sessionRevocation, tokenRevocation } from "./revocation";

export interface TokenPair {
  accessToken: string;
  tokenType: "Bearer";
  expiresIn: number;
  refreshToken: string;
  refreshTokenExpiresIn: number;
}

/** The stored form of a refresh token: its SHA-256 (the token has 256 random bits, so no salt is needed). */
export const hashRefreshToken = (token: string): Promise<string> => sha256Hex(token);

let dummyHash: Promise<string> | undefined;
/** A hash to verify against when the account does not exist, so both failures cost the same. */
const dummy = () => (dummyHash ??= hashPassword(crypto.randomUUID()));

const invalidCredentials = () => new ProblemError(401, "invalid-credentials", "The email or password is incorrect.");

async function issuePair(
  { db }: Clients,
  env: Env,
  account: { id: string; role: "learner" | "trainer" | "org_admin"; organizationId: string },
  familyId: string,
  parentId?: string,
): Promise<TokenPair> {
  const refreshToken = `rt_${toBase64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  await insertRefreshToken(db, {
    familyId,
    userId: account.id,
    tokenHash: await hashRefreshToken(refreshToken),
    parentId,
    expiresAt: new Date(Date.now() + env.REFRESH_TOKEN_TTL_SECONDS * 1000),
  });
  const access = await issueAccessToken(env, account, familyId);
  return {
    accessToken: access.token,
    tokenType: "Bearer",
    expiresIn: access.expiresIn,
    refreshToken,
    refreshTokenExpiresIn: env.REFRESH_TOKEN_TTL_SECONDS,
  };
}

/**
 * Checks a password and opens a login session. An unknown email and a wrong password give the
 * same answer after the same work (a full PBKDF2 verification either way).
 */
export async function login(clients: Clients, env: Env, email: string, password: string): Promise<TokenPair> {
  const account = await findCredentials(clients.db, email);
  const matches = await verifyPassword(password, account?.passwordHash ?? (await dummy()));
  if (!account?.passwordHash || !matches) throw invalidCredentials();
  return issuePair(clients, env, account, crypto.randomUUID());
}

/**
 * Rotates a refresh token. A token that was already used is evidence of theft: its whole family
 * (every token from the same login) and the session's access tokens are revoked.
 */
export async function refresh(clients: Clients, env: Env, refreshToken: string, requestId: string): Promise<TokenPair> {
  const tokenHash = await hashRefreshToken(refreshToken);
  const spent = await spendRefreshToken(clients.db, tokenHash);
  if (!spent) {
    const known = await findRefreshFamily(clients.db, tokenHash);
    if (known?.usedAt) {
      await revokeRefreshFamily(clients.db, known.familyId);
      await revoke(clients, [sessionRevocation(known.familyId, env.ACCESS_TOKEN_TTL_SECONDS, new Date())], requestId);
    }
    throw unauthorized("The refresh token is invalid, expired or already used.");
  }
  const account = await findAccount(clients.db, spent.userId);
  if (!account) throw unauthorized("The refresh token is invalid, expired or already used.");
  return issuePair(clients, env, account, spent.familyId, spent.id);
}

/**
 * Ends the caller's session: its refresh tokens and every access token issued in it stop working
 * (not only the one presented). A token of the platform's issuer has no session here: that token
 * is revoked.
 */
export async function logout(clients: Clients, env: Env, caller: Caller, requestId: string): Promise<void> {
  if (caller.sessionId) await revokeRefreshFamily(clients.db, caller.sessionId);
  const revocation = caller.sessionId
    ? sessionRevocation(caller.sessionId, env.ACCESS_TOKEN_TTL_SECONDS, new Date())
    : tokenRevocation(caller);
  await revoke(clients, [revocation], requestId);
}
