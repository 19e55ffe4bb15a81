import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashPassword, timingSafeEqual, verifyPassword } from "./password";

describe("password hashing", () => {
  it("verifies the password it hashed and rejects another", async () => {
    const stored = await hashPassword("demo-password");
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword("demo-password", stored)).toBe(true);
    expect(await verifyPassword("demo-passwore", stored)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same", 1_000)).not.toBe(await hashPassword("same", 1_000));
  });

  it("matches the RFC 7914 PBKDF2-HMAC-SHA256 test vector", async () => {
    // RFC 7914 §11: P="passwd", S="salt", c=1, dkLen=64; the first 32 bytes are what a 256-bit key gets.
    const stored = `pbkdf2-sha256$1$${btoa("salt")}$${Buffer.from("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc", "hex").toString("base64")}`;
    expect(await verifyPassword("passwd", stored)).toBe(true);
  });

  it("never accepts a malformed stored hash", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), async (stored) => {
        expect(await verifyPassword("", stored)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("compares byte strings in constant shape", () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
      }),
    );
  });
});
