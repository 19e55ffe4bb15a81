import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roundOrNull, roundTo } from "./numbers";

describe("roundTo", () => {
  it("rounds hand-checked values without binary noise", () => {
    expect(roundTo(0.1 + 0.2, 4)).toBe(0.3);
    expect(roundTo(17.333333333333336, 2)).toBe(17.33);
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-2.5, 0)).toBe(-3);
    expect(roundTo(-0.00001, 2)).toBe(0);
    expect(roundOrNull(null, 2)).toBeNull();
  });

  it("keeps at most the requested decimals in its shortest printed form", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 4 }), (value, digits) => {
        const text = String(roundTo(value, digits));
        const decimals = text.includes(".") ? text.split(".")[1]!.length : 0;
        expect(decimals).toBeLessThanOrEqual(digits);
        expect(Math.abs(roundTo(value, digits) - value)).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-9 * Math.max(1, Math.abs(value)));
      }),
    );
  });
});
