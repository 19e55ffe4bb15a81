import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProblemError } from "../../core/errors/problem";
import { signWebhook, verifyWebhookSignature, type WebhookHeaders } from "./webhook-signature";

const keys = { assessment: "whsec_assessment_0123456789abcdef", devLab: "whsec_devlab_0123456789abcdef" };
const secrets = new Map(Object.entries(keys));
const now = new Date("2026-11-24T12:00:00Z");
const ts = now.getTime() / 1000;
const id = "5f0c2d1e-7c4b-4f7e-9b1a-2d3c4e5f6a7b";
const deliveryId = (maxLength = 200) => fc.stringMatching(new RegExp(`^[\\w.:-]{1,${maxLength}}$`));

/** Verifies as `assessment` at `now`, with `headers` overriding the delivery's own. */
const verify = (headers: WebhookHeaders, body: string) =>
  verifyWebhookSignature(secrets, { service: "assessment", delivery: id, timestamp: String(ts), ...headers }, body, now);

describe("verifyWebhookSignature", () => {
  it("accepts a delivery signed with the service's own secret, within five minutes either way", async () => {
    const body = '{"userIds":["a"]}';
    for (const timestamp of [ts, ts - 300, ts + 300]) {
      const signature = await signWebhook(keys.assessment, timestamp, id, body);
      expect(await verify({ timestamp: String(timestamp), signature }, body)).toBe("assessment");
    }
  });

  it("signs HMAC-SHA256 of `<timestamp>\\n<delivery id>\\n<raw body>`, as computed independently", async () => {
    const { createHmac } = await import("node:crypto");
    const expected = createHmac("sha256", keys.devLab).update(`${ts}\n${id}\n{}`).digest("hex");
    expect(await signWebhook(keys.devLab, ts, id, "{}")).toBe(`v2=${expected}`);
  });

  it("gives the README's worked example", async () => {
    const body = '{"userIds":["7d6f6b2e-3c1a-4e8b-9f0d-2a5b8c7e1f34"]}';
    expect(await signWebhook("whsec_example_0123456789abcdef", 1767225600, "assessment:42", body)).toBe(
      "v2=f7a4cf012e36c4b5f5804d91c9d21367c64f9fc1b6024c0881e448ba8d7c6a6a",
    );
  });

  it.each([
    ["an unknown service", { service: "billing" }],
    ["another service's secret", { service: "devLab" }],
    ["no delivery id", { delivery: undefined }],
    ["a delivery id with a newline", { delivery: `${id}\n` }],
    ["a timestamp 301 s old", { timestamp: String(ts - 301) }],
    ["a timestamp that is not a number", { timestamp: "yesterday" }],
    ["a malformed signature", { signature: "sha256=abc" }],
  ])("refuses %s", async (_, override) => {
    const signature = await signWebhook(keys.assessment, ts, id, "{}");
    await expect(verify({ signature, ...override }, "{}")).rejects.toBeInstanceOf(ProblemError);
  });

  it("refuses a v1 signature (timestamp and body only), saying so", async () => {
    const { createHmac } = await import("node:crypto");
    const v1 = `v1=${createHmac("sha256", keys.assessment).update(`${ts}.{}`).digest("hex")}`;
    await expect(verify({ signature: v1 }, "{}")).rejects.toMatchObject({
      status: 401,
      detail: expect.stringMatching(/v1 signatures .* no longer accepted/),
    });
  });

  it("will not sign a delivery id the API would refuse", async () => {
    for (const bad of ["", "a\nb", "a b", "x".repeat(201)])
      await expect(signWebhook(keys.assessment, ts, bad, "{}")).rejects.toThrow(/delivery id/);
  });

  it("refuses any change to the body, the timestamp or the delivery id", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.integer({ min: -300, max: 300 }), deliveryId(), async (body, other, shift, otherId) => {
        fc.pre(body !== other && shift !== 0 && otherId !== id);
        const signature = await signWebhook(keys.assessment, ts, id, body);
        await expect(verify({ signature }, other)).rejects.toBeInstanceOf(ProblemError);
        await expect(verify({ signature, timestamp: String(ts + shift) }, body)).rejects.toBeInstanceOf(ProblemError);
        await expect(verify({ signature, delivery: otherId }, body)).rejects.toBeInstanceOf(ProblemError);
      }),
      { numRuns: 100 },
    );
  });

  it("has one reading of each signed text: characters moved between the delivery id and the body break the signature", async () => {
    await fc.assert(
      fc.asyncProperty(deliveryId(100), deliveryId(50), fc.string(), async (delivery, moved, body) => {
        const signature = await signWebhook(keys.assessment, ts, `${delivery}${moved}`, body);
        await expect(verify({ signature, delivery }, `${moved}${body}`)).rejects.toBeInstanceOf(ProblemError);
        await expect(verify({ signature, delivery }, `${moved}\n${body}`)).rejects.toBeInstanceOf(ProblemError);
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
          const signature = await signWebhook(key ?? inherited(service), ts, id, "{}");
          const refusal = await verify({ service, signature }, "{}").catch((error: unknown) => error);
          expect(refusal).toBeInstanceOf(ProblemError);
          expect((refusal as ProblemError).status).toBe(401);
        },
      ),
      { numRuns: 200, examples: prototypeNames.map((name) => [name, null]) },
    );
  });
});
