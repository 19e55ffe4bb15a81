import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, fromBase64, fromBase64url, toBase64, toBase64url } from "./base64";

describe("base64", () => {
  it("matches Node's encoders", () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
        expect(toBase64url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
        expect(fromBase64url(toBase64url(bytes))).toEqual(bytes);
      }),
    );
  });

  it("round-trips any text through a cursor, and rejects what is not one", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(decodeCursor(encodeCursor(text))).toBe(text);
      }),
    );
    expect(decodeCursor("%%%")).toBeUndefined();
    expect(decodeCursor(toBase64url(new Uint8Array([0xff, 0xfe])))).toBeUndefined();
  });
});
