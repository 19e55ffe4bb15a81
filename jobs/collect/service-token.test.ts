import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { type Env, loadEnv } from "../../core/env";
import { keyRing } from "../../core/signing-keys";
import { productionEnv } from "../../test/env-fixture";
import { SERVICE_SUBJECT, serviceToken } from "./service-token";

const freshEnv = (): Env => {
  const result = loadEnv({ ...productionEnv });
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.env;
};

describe("serviceToken", () => {
  it("mints a token our JWKS verifies, for one service, living SERVICE_TOKEN_TTL_SECONDS", async () => {
    const env = freshEnv();
    const token = await serviceToken(env, "assessment");
    const jwks = createLocalJWKSet((await keyRing(env)).jwks);
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: env.JWT_ISSUER, audience: "assessment" });
    expect(protectedHeader).toMatchObject({ alg: "ES256", typ: "service+jwt" });
    expect(payload.sub).toBe(SERVICE_SUBJECT);
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it("reuses a token until 15 s before expiry, then mints a new one", async () => {
    const env = freshEnv();
    const t0 = 1_800_000_000;
    const first = await serviceToken(env, "devLab", t0);
    expect(await serviceToken(env, "devLab", t0 + 44)).toBe(first);
    const renewed = await serviceToken(env, "devLab", t0 + 46);
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed).iat).toBe(t0 + 46);
    expect(await serviceToken(env, "auth", t0)).not.toBe(first);
  });
});
