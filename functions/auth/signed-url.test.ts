import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Env, loadEnv } from "../../core/env";
import { productionEnv } from "../../test/env-fixture";
import { MAX_URL_LIFETIME_SECONDS, publicBaseUrl, signFileUrl, verifyFileUrl } from "./signed-url";

const env = (() => {
  const result = loadEnv({ ...productionEnv, REPORT_URL_TTL_SECONDS: "900" });
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.env as Env;
})();
const now = new Date("2026-11-24T12:00:00Z");
const file = { reportId: "5b7e4c1a-3f7e-4d52-9c1b-1f4a2b3c4d5e", organizationId: "0d9f1e2a-6b7c-4d8e-9f10-a1b2c3d4e5f6", format: "pdf" };

async function signed() {
  const { path, expiresAt } = await signFileUrl(env, file, now);
  const query = new URL(path, "https://x").searchParams;
  return { path, expiresAt, query: { exp: Number(query.get("exp")), kid: query.get("kid")!, sig: query.get("sig")! } };
}

describe("signed report URLs", () => {
  it("sign the file path with exp, kid and sig, valid for the TTL", async () => {
    const { path, expiresAt, query } = await signed();
    expect(path).toMatch(new RegExp(`^/api/v1/reports/${file.reportId}/file\\?exp=\\d+&kid=fixture&sig=[A-Za-z0-9_-]{43}$`));
    expect(expiresAt.getTime() - now.getTime()).toBe(900_000);
    expect(await verifyFileUrl(env, file, query, now)).toBe(true);
    expect(await verifyFileUrl(env, file, query, new Date(now.getTime() + 899_000))).toBe(true);
    expect(await verifyFileUrl(env, file, query, new Date(now.getTime() + 900_000))).toBe(false);
  });

  it("refuse any change to the report, organisation, format, expiry, key id or signature", async () => {
    const { query } = await signed();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          reportId: fc.uuid(),
          organizationId: fc.uuid(),
          format: fc.constantFrom("csv", "json", "pdf "),
          exp: fc.integer({ min: 1, max: MAX_URL_LIFETIME_SECONDS }).map((d) => query.exp + (d % 2 ? d : -Math.min(d, 800))),
          kid: fc.string({ minLength: 1, maxLength: 10 }),
          sig: fc.base64String({ minLength: 44, maxLength: 44 }).map((s) => s.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")),
        }),
        fc.constantFrom("reportId", "organizationId", "format", "exp", "kid", "sig"),
        async (changed, field) => {
          const fileChange = field === "reportId" || field === "organizationId" || field === "format";
          fc.pre(changed[field] !== (fileChange ? file[field] : query[field]));
          const tamperedFile = fileChange ? { ...file, [field]: changed[field] } : file;
          const tamperedQuery = fileChange ? query : { ...query, [field]: changed[field] };
          expect(await verifyFileUrl(env, tamperedFile, tamperedQuery, now)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuse an expiry beyond the 24 h cap even when correctly signed", async () => {
    const far = loadEnv({ ...productionEnv, REPORT_URL_TTL_SECONDS: "86400" });
    if (!far.ok) throw new Error("fixture");
    const { path } = await signFileUrl(far.env, file, now);
    const query = new URL(path, "https://x").searchParams;
    const parsed = { exp: Number(query.get("exp")), kid: query.get("kid")!, sig: query.get("sig")! };
    expect(await verifyFileUrl(far.env, file, parsed, now)).toBe(true);
    expect(await verifyFileUrl(far.env, file, parsed, new Date(now.getTime() - 1000))).toBe(false);
  });

  it("start on PUBLIC_BASE_URL, else on JOBS_BASE_URL", () => {
    expect(publicBaseUrl(env)).toBe("https://analytics.example.com");
    const configured = loadEnv({ ...productionEnv, PUBLIC_BASE_URL: "https://api.example.com/" });
    if (!configured.ok) throw new Error(configured.problems.join("; "));
    expect(publicBaseUrl(configured.env)).toBe("https://api.example.com");
  });
});
