import { createServer, type Server } from "node:http";
import { createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenOnLoopback } from "../../dev/stand-in";
import { startTestApi, type TestApi } from "../harness";
import { bearer, demoUser, login } from "../tokens";
import { type RunningWorker, readJson, startWorker } from "../worker";

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ LOGIN_FAILURE_LIMIT_ADDRESS: "1000", LOGIN_FAILURE_LIMIT_PAIR: "1000" });
});

afterAll(async () => {
  await api?.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api.worker.fetch(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("login", () => {
  it("returns an ES256 access token with the documented claims, and an opaque refresh token", async () => {
    const response = await post("/api/v1/auth/login", { email: "Trainer@Acme.test", password: "demo-password" });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const tokens = await readJson(response);
    expect(tokens).toMatchObject({ tokenType: "Bearer", expiresIn: 900 });
    expect(tokens.refreshToken).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);

    const jwks = createLocalJWKSet(await readJson(await api.worker.fetch("/.well-known/jwks.json")));
    const { payload, protectedHeader } = await jwtVerify(tokens.accessToken, jwks, {
      issuer: "learning-analytics-api",
      audience: "learning-analytics-api",
    });
    const trainer = demoUser("trainer@acme.test");
    expect(protectedHeader).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ sub: trainer.id, role: "trainer", organizationId: trainer.organizationId });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.permissions).toContain("analytics:read:course-learners");
  });

  it("answers an unknown email exactly as a wrong password", async () => {
    const wrongPassword = await post("/api/v1/auth/login", { email: "learner@acme.test", password: "not-it" });
    const unknownEmail = await post("/api/v1/auth/login", { email: "nobody@acme.test", password: "not-it" });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const strip = ({ requestId: _, ...rest }: Record<string, unknown>) => rest;
    expect(strip(await readJson(unknownEmail))).toEqual(strip(await readJson(wrongPassword)));
  });

  it("rejects unknown fields and malformed emails with a 400 listing each field", async () => {
    const response = await post("/api/v1/auth/login", { email: "not-an-email", password: "", remember: true });
    expect(response.status).toBe(400);
    const pointers = (await readJson(response)).errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(["json", "json.email", "json.password"]);
  });
});

describe("sessions", () => {
  it("refresh rotates: the new pair works, the old refresh token does not", async () => {
    const first = await login(api.worker, "admin@acme.test");
    const rotated = await post("/api/v1/auth/refresh", { refreshToken: first.refreshToken });
    expect(rotated.status).toBe(200);
    const second = await readJson(rotated);
    expect((await api.worker.fetch("/api/v1/auth/profile", { headers: bearer(second.accessToken) })).status).toBe(200);
    expect((await post("/api/v1/auth/refresh", { refreshToken: first.refreshToken })).status).toBe(401);
  });

  it("logout ends the refresh family too", async () => {
    const session = await login(api.worker, "trainer2@acme.test");
    expect((await post("/api/v1/auth/logout", {}, bearer(session.accessToken))).status).toBe(204);
    expect((await post("/api/v1/auth/refresh", { refreshToken: session.refreshToken })).status).toBe(401);
  });

  it("logout ends every access token of the session, not only the one presented", async () => {
    const first = await login(api.worker, "learner005@acme.test");
    const second = await readJson(await post("/api/v1/auth/refresh", { refreshToken: first.refreshToken }));
    const other = await login(api.worker, "learner005@acme.test");
    expect((await post("/api/v1/auth/logout", {}, bearer(second.accessToken))).status).toBe(204);
    const profile = (token: string) => api.worker.fetch("/api/v1/auth/profile", { headers: bearer(token) });
    expect((await profile(first.accessToken)).status).toBe(401);
    expect((await profile(second.accessToken)).status).toBe(401);
    expect((await api.worker.fetch("/api/v1/analytics/learner", { headers: bearer(first.accessToken) })).status).toBe(401);
    // Another login of the same user is another session, and stays signed in.
    expect((await profile(other.accessToken)).status).toBe(200);
  });

  it("profile describes the caller", async () => {
    const session = await login(api.worker, "learner@globex.test");
    const profile = await readJson(await api.worker.fetch("/api/v1/auth/profile", { headers: bearer(session.accessToken) }));
    expect(profile).toMatchObject({
      id: demoUser("learner@globex.test").id,
      email: "learner@globex.test",
      role: "learner",
      organization: { name: "Globex Academy" },
      permissions: expect.arrayContaining(["analytics:read:self"]),
    });
  });

  it("the JWKS publishes every configured key, public halves only", async () => {
    const jwks = await readJson(await api.worker.fetch("/.well-known/jwks.json"));
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(jwks.keys[0].d).toBeUndefined();
  });
});

describe("tokens of the platform's auth service", () => {
  const issuer = "https://auth.platform.test";
  const audience = "learning-analytics";
  let platformKey: CryptoKey;
  let jwksServer: Server;
  let byKey: RunningWorker;
  let byJwks: RunningWorker;

  beforeAll(async () => {
    const pair = await generateKeyPair("ES256", { extractable: true });
    platformKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "platform-1", alg: "ES256" };
    jwksServer = createServer((_, response) =>
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicJwk] })),
    );
    const jwksUrl = await listenOnLoopback(jwksServer);
    const external = { EXTERNAL_JWT_ALGORITHM: "ES256", EXTERNAL_JWT_ISSUER: issuer, EXTERNAL_JWT_AUDIENCE: audience, ENVIRONMENT: "test" };
    [byKey, byJwks] = await Promise.all([
      startWorker({ ...api.stack.vars, ...external, EXTERNAL_JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey) }),
      startWorker({ ...api.stack.vars, ...external, EXTERNAL_JWT_JWKS_URL: `${jwksUrl}/jwks.json` }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([byKey?.stop(), byJwks?.stop()]);
    jwksServer?.close();
  });

  const platformToken = (tokenAudience = audience) => {
    const learner = demoUser("learner@acme.test");
    return new SignJWT({ role: "learner", organizationId: learner.organizationId })
      .setProtectedHeader({ alg: "ES256", kid: "platform-1" })
      .setIssuer(issuer)
      .setAudience(tokenAudience)
      .setSubject(learner.id)
      .setIssuedAt()
      .setExpirationTime("5m")
      .setJti(crypto.randomUUID())
      .sign(platformKey);
  };

  it.each([
    ["a configured public key", () => byKey],
    ["a JWKS URL", () => byJwks],
  ])("accepts them when verified with %s", async (_, worker) => {
    const response = await worker().fetch("/api/v1/auth/profile", { headers: bearer(await platformToken()) });
    expect(response.status).toBe(200);
    expect((await readJson(response)).email).toBe("learner@acme.test");
  });

  it("pins their audience too", async () => {
    const response = await byJwks.fetch("/api/v1/auth/profile", { headers: bearer(await platformToken("someone-else")) });
    expect(response.status).toBe(401);
  });

  it("does not accept them when the external issuer is not configured", async () => {
    const response = await api.worker.fetch("/api/v1/auth/profile", { headers: bearer(await platformToken()) });
    expect(response.status).toBe(401);
  });
});
