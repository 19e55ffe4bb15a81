import { importJWK } from "jose";
import type { Env } from "./env";

/** Access tokens and service tokens are signed with ES256 (ECDSA P-256, SHA-256). */
export const SIGNING_ALGORITHM = "ES256" as const;

/** A public signing key as published in the JWKS. */
export interface PublicJwk {
  kid: string;
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  alg: typeof SIGNING_ALGORITHM;
  use: "sig";
}

export interface KeyRing {
  /** The key that signs new tokens: the first configured. */
  signing: { kid: string; key: CryptoKey };
  /** Every configured key by kid, so tokens signed before a rotation still verify. */
  verifying: Map<string, CryptoKey>;
  /** The public halves, as served at /.well-known/jwks.json. */
  jwks: { keys: PublicJwk[] };
}

const rings = new WeakMap<Env, Promise<KeyRing>>();

async function importRing(env: Env): Promise<KeyRing> {
  const verifying = new Map<string, CryptoKey>();
  const publicKeys: PublicJwk[] = [];
  let signing: KeyRing["signing"] | undefined;
  for (const { d, ...publicJwk } of env.JWT_SIGNING_KEYS) {
    const key = (await importJWK({ ...publicJwk, d }, SIGNING_ALGORITHM)) as CryptoKey;
    const verifyKey = (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey;
    signing ??= { kid: publicJwk.kid, key };
    verifying.set(publicJwk.kid, verifyKey);
    publicKeys.push({ ...publicJwk, alg: SIGNING_ALGORITHM, use: "sig" });
  }
  return { signing: signing!, verifying, jwks: { keys: publicKeys } };
}

/**
 * This isolate's imported keys. Importing a JWK costs real CPU, so it happens once per isolate
 * (the env object is the same for every request of an isolate).
 */
export function keyRing(env: Env): Promise<KeyRing> {
  let ring = rings.get(env);
  if (!ring) {
    ring = importRing(env);
    rings.set(env, ring);
    ring.catch(() => rings.delete(env));
  }
  return ring;
}
