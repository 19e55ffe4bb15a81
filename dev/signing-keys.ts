import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { exportJWK, generateKeyPair, type JWK } from "jose";

/** A fresh ES256 private key as a JWK, named by `kid`. */
export async function generateSigningJwk(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { kid, ...(await exportJWK(privateKey)) };
}

/**
 * The JWT_SIGNING_KEYS value for a local stack. With `file`, the key is kept there (git-ignored)
 * so access tokens survive a restart of `npm run dev`; without, every stack gets a new one.
 */
export async function localSigningKeys(file?: string): Promise<string> {
  if (file && existsSync(file)) return readFileSync(file, "utf8").trim();
  const keys = JSON.stringify([await generateSigningJwk(`local-${new Date().toISOString().slice(0, 10)}`)]);
  if (file) writeFileSync(file, keys, { mode: 0o600 });
  return keys;
}
