import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";
import { bearer, claimsFor, login, signWithWorkerKey, unsignedToken } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;
let kid: string;

beforeAll(async () => {
  api = await startTestApi();
  kid = (JSON.parse(api.stack.vars.JWT_SIGNING_KEYS) as { kid: string }[])[0]!.kid;
});

afterAll(async () => {
  await api?.stop();
});

const profile = (headers: Record<string, string>) => api.worker.fetch("/api/v1/auth/profile", { headers });
const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, payload, header);

/** Every refusal is a 401 problem with an RFC 6750 challenge, and says nothing about the profile. */
async function expectRefused(response: Response, error = true) {
  expect(response.status).toBe(401);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const challenge = response.headers.get("www-authenticate") ?? "";
  expect(challenge).toMatch(/^Bearer realm="learning-analytics"/);
  if (error) expect(challenge).toContain('error="invalid_token"');
  const body = await readJson(response);
  expect(body).toMatchObject({ status: 401, type: "/problems/unauthorized" });
  expect(body.email).toBeUndefined();
  return body;
}

describe("access token attacks", () => {
  it("accepts the well-formed control token (so each refusal below is about its one defect)", async () => {
    const response = await profile(bearer(await sign(claimsFor("learner@acme.test"))));
    expect(response.status).toBe(200);
    expect((await readJson(response)).email).toBe("learner@acme.test");
  });

  it("refuses a request without a token", async () => {
    await expectRefused(await profile({}), false);
  });

  it("refuses a malformed token", async () => {
    await expectRefused(await profile(bearer("not-a-jwt")));
    await expectRefused(await profile({ Authorization: "Basic bGVhcm5lcjpwdw==" }));
    await expectRefused(await profile(bearer("a.b.c")));
  });

  it("refuses alg: none", async () => {
    await expectRefused(await profile(bearer(unsignedToken(claimsFor("learner@acme.test"), kid))));
  });

  it("refuses HS256 signed with the public key as the HMAC secret", async () => {
    const jwks = await readJson(await api.worker.fetch("/.well-known/jwks.json"));
    const publicKey = JSON.stringify(jwks.keys[0]);
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "at+jwt", kid })).toString("base64url");
    const payload = Buffer.from(JSON.stringify(claimsFor("learner@acme.test"))).toString("base64url");
    const signature = createHmac("sha256", publicKey).update(`${header}.${payload}`).digest("base64url");
    await expectRefused(await profile(bearer(`${header}.${payload}.${signature}`)));
  });

  it("refuses a wrong issuer", async () => {
    await expectRefused(await profile(bearer(await sign({ ...claimsFor("learner@acme.test"), iss: "https://evil.example" }))));
  });

  it("refuses a wrong audience", async () => {
    await expectRefused(await profile(bearer(await sign({ ...claimsFor("learner@acme.test"), aud: "another-api" }))));
  });

  it("refuses an expired token (beyond the 60 s tolerance) and says so", async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = await expectRefused(
      await profile(bearer(await sign({ ...claimsFor("learner@acme.test"), iat: now - 900, exp: now - 61 }))),
    );
    expect(body.detail).toBe("The access token has expired.");
  });

  it("refuses a token that is not yet valid (beyond the 60 s tolerance)", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await profile(bearer(await sign({ ...claimsFor("learner@acme.test"), nbf: now + 120 }))));
  });

  it("refuses an unknown kid", async () => {
    await expectRefused(await profile(bearer(await sign(claimsFor("learner@acme.test"), { kid: "someone-elses-key" }))));
  });

  it("refuses a tampered payload", async () => {
    const token = await sign(claimsFor("learner@acme.test"));
    const [header, , signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...claimsFor("admin@acme.test"), role: "org_admin" })).toString("base64url");
    await expectRefused(await profile(bearer(`${header}.${forged}.${signature}`)));
  });

  it("refuses a token of another type, and one that claims to live longer than 15 minutes", async () => {
    await expectRefused(await profile(bearer(await sign(claimsFor("learner@acme.test"), { typ: "JWT" }))));
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await profile(bearer(await sign({ ...claimsFor("learner@acme.test"), iat: now - 3600, exp: now + 3600 }))));
  });

  it("refuses a token used after logout", async () => {
    const session = await login(api.worker, "learner@acme.test");
    expect((await profile(bearer(session.accessToken))).status).toBe(200);
    const logout = await api.worker.fetch("/api/v1/auth/logout", { method: "POST", headers: bearer(session.accessToken) });
    expect(logout.status).toBe(204);
    const body = await expectRefused(await profile(bearer(session.accessToken)));
    expect(body.detail).toBe("The access token has been revoked.");
  });

  it("revokes the whole family when a spent refresh token is reused", async () => {
    const first = await login(api.worker, "learner2@acme.test");
    const refresh = (refreshToken: string) =>
      api.worker.fetch("/api/v1/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refreshToken }),
      });

    const rotated = await refresh(first.refreshToken);
    expect(rotated.status).toBe(200);
    const second = await readJson(rotated);
    expect(second.refreshToken).not.toBe(first.refreshToken);

    // The stolen, already-spent token comes back: refused, and everything from that login dies.
    await expectRefused(await refresh(first.refreshToken));
    await expectRefused(await refresh(second.refreshToken));
    await expectRefused(await profile(bearer(second.accessToken)));
  });
});
