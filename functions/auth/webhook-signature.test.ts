import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProblemError } from "../errors/problem";
import { signWebhook, verifyWebhookSignature } from "./webhook-signature";

const keys = { assessment: "whsec_assessment_0123456789abcdef", devLab: "whsec_devlab_0123456789abcdef" };
const secrets = new Map(Object.entries(keys));
const now = new Date("2026-11-24T12:00:00Z");
const ts = now.getTime() / 1000;

describe("verifyWebhookSignature", () => {
  it("accepts a delivery signed with the service's own secret, within five minutes either way", async () => {
    const body = '{"userIds":["a"]}';
    for (const timestamp of [ts, ts - 300, ts + 300]) {
      const signature = await signWebhook(keys.assessment, timestamp, body);
      expect(await verifyWebhookSignature(secrets, { service: "assessment", timestamp: String(timestamp), signature }, body, now)).toBe("assessment");
    }
  });

  it("matches an HMAC-SHA256 computed independently", async () => {
    const { createHmac } = await import("node:crypto");
    const expected = createHmac("sha256", keys.devLab).update(`${ts}.{}`).digest("hex");
    expect(await signWebhook(keys.devLab, ts, "{}")).toBe(`v1=${expected}`);
  });

  it.each([
    ["an unknown service", { service: "billing" }],
    ["another service's secret", { service: "devLab" }],
    ["a timestamp 301 s old", { timestamp: String(ts - 301) }],
    ["a timestamp that is not a number", { timestamp: "yesterday" }],
    ["a malformed signature", { signature: "sha256=abc" }],
  ])("refuses %s", async (_, override) => {
    const body = "{}";
    const signature = await signWebhook(keys.assessment, ts, body);
    const headers = { service: "assessment", timestamp: String(ts), signature, ...override };
    await expect(verifyWebhookSignature(secrets, headers, body, now)).rejects.toBeInstanceOf(ProblemError);
  });

  it("refuses any change to the body or the timestamp", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.integer({ min: -300, max: 300 }), async (body, other, shift) => {
        fc.pre(body !== other && shift !== 0);
        const signature = await signWebhook(keys.assessment, ts, body);
        const verify = (b: string, t: number) => verifyWebhookSignature(secrets, { service: "assessment", timestamp: String(t), signature }, b, now);
        await expect(verify(other, ts)).rejects.toBeInstanceOf(ProblemError);
        await expect(verify(body, ts + shift)).rejects.toBeInstanceOf(ProblemError);
      }),
      { numRuns: 100 },
    );
  });

  it("knows no service but the configured ones: Object.prototype's members and any other name are refused", async () => {
    const prototypeNames = [...Object.getOwnPropertyNames(Object.prototype), "__proto__"];
    // The key an attacker would try: the inherited member's string form (public, e.g. "function Object() { [native code] }").
    const inherited = (name: string) => String((Object.prototype as unknown as Record<string, unknown>)[name]);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...prototypeNames), fc.string()),
        fc.oneof(fc.constant(null), fc.string({ minLength: 1 })),
        async (service, key) => {
          fc.pre(!secrets.has(service));
          const signature = await signWebhook(key ?? inherited(service), ts, "{}");
          const refusal = await verifyWebhookSignature(secrets, { service, timestamp: String(ts), signature }, "{}", now).catch((error: unknown) => error);
          expect(refusal).toBeInstanceOf(ProblemError);
          expect((refusal as ProblemError).status).toBe(401);
        },
      ),
      { numRuns: 200, examples: prototypeNames.map((name) => [name, null]) },
    );
  });
});
