import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "./hex";

describe("hex", () => {
  it("writes every byte value as two lower-case digits", () => {
    expect(toHex(Uint8Array.of(0, 9, 10, 15, 16, 171, 255))).toBe("00090a0f10abff");
    expect(toHex(new Uint8Array(0))).toBe("");
  });

  it("reads either case and round-trips all 256 byte values", () => {
    expect(fromHex("00090A0f10AbFF")).toEqual(Uint8Array.of(0, 9, 10, 15, 16, 171, 255));
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromHex(toHex(all))).toEqual(all);
  });
});
