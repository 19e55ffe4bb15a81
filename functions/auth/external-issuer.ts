import { createRemoteJWKSet, importJWK, importSPKI, type JWTVerifyGetKey } from "jose";
import type { Env } from "../../core/env";

/** A key, or a key resolver, for `jwtVerify`. */
type VerifyKey = JWTVerifyGetKey | CryptoKey;

const keys = new WeakMap<Env, VerifyKey>();

async function importPublicKey(text: string, algorithm: string): Promise<CryptoKey> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return (await importJWK(JSON.parse(trimmed), algorithm)) as CryptoKey;
  return importSPKI(trimmed, algorithm);
}

/**
 * The platform auth service's verification key, set up once per isolate: a remote JWKS (jose
 * caches it and refetches on an unknown kid, at most every 30 s) or a configured public key.
 */
export function externalKey(env: Env): JWTVerifyGetKey {
  return async (header, token) => {
    let key = keys.get(env);
    if (!key) {
      key = env.EXTERNAL_JWT_JWKS_URL
        ? createRemoteJWKSet(new URL(env.EXTERNAL_JWT_JWKS_URL), { timeoutDuration: 3_000, cooldownDuration: 30_000 })
        : await importPublicKey(env.EXTERNAL_JWT_PUBLIC_KEY!, env.EXTERNAL_JWT_ALGORITHM!);
      keys.set(env, key);
    }
    return typeof key === "function" ? key(header, token) : key;
  };
}
