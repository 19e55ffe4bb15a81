import { describe, expect, it } from "vitest";
import { abroca, groupAbroca, rocCurve } from "./fairness";
import { rocAuc } from "./metrics";

/** Area under a curve by trapezoids, to check rocCurve against the rank AUC. */
const area = (curve: readonly (readonly [number, number])[]) =>
  curve.slice(1).reduce((sum, [x, y], i) => sum + (x - curve[i]![0]) * ((y + curve[i]![1]) / 2), 0);

describe("rocCurve", () => {
  it("steps through the distinct scores, ties moving both rates at once", () => {
    // Positives at 0.9 and 0.5, negatives at 0.7 and 0.5 (a tie with a positive).
    const labels = [true, false, true, false];
    const scores = [0.9, 0.7, 0.5, 0.5];
    expect(rocCurve(labels, scores)).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [1, 1],
    ]);
    // Trapezoids: 0.5·0.5 + 0.5·0.75 = 0.625, the rank AUC with the tie counted one half.
    expect(area(rocCurve(labels, scores))).toBeCloseTo(rocAuc(labels, scores), 12);
    expect(rocAuc(labels, scores)).toBeCloseTo(0.625, 12);
  });

  it("needs both outcomes", () => {
    expect(() => rocCurve([true, true], [0.1, 0.2])).toThrow(RangeError);
  });
});

describe("abroca", () => {
  const perfect = rocCurve([true, false], [0.9, 0.1]); // (0,0) → (0,1) → (1,1)
  const chance = rocCurve([true, false], [0.5, 0.5]); // the diagonal

  it("is 0 between identical curves", () => {
    expect(abroca(perfect, perfect)).toBe(0);
    expect(abroca(rocCurve([true, false, true], [0.3, 0.3, 0.8]), rocCurve([true, false, true], [0.3, 0.3, 0.8]))).toBe(0);
  });

  it("is the area between a perfect ranking and chance: ∫₀¹ (1 − t) dt = 1/2", () => {
    expect(abroca(perfect, chance)).toBeCloseTo(0.5, 12);
    expect(abroca(chance, perfect)).toBeCloseTo(0.5, 12);
  });

  it("adds the areas on both sides where the curves cross", () => {
    // A negative scored above the positive, another below: (0,0) → (0.5,0) → (0.5,1) → (1,1).
    const crossing = rocCurve([false, true, false], [0.95, 0.9, 0.8]);
    expect(crossing).toEqual([
      [0, 0],
      [0.5, 0],
      [0.5, 1],
      [1, 1],
    ]);
    // Below the diagonal on [0, 0.5]: ∫ t dt = 1/8; above it on [0.5, 1]: ∫ (1 − t) dt = 1/8.
    expect(abroca(crossing, chance)).toBeCloseTo(0.25, 12);
  });

  it("splits a segment where the difference changes sign", () => {
    // A: (0,0) → (0.5,0.8) → (1,1); B: (0,0) → (0,0.4) → (1,1), i.e. B(t) = 0.4 + 0.6t.
    const a = rocCurve([true, true, true, true, false, true, false], [9, 9, 9, 9, 9, 1, 1]);
    const b = rocCurve([true, true, true, true, true, false], [9, 9, 1, 1, 1, 1]);
    expect(a).toEqual([
      [0, 0],
      [0.5, 0.8],
      [1, 1],
    ]);
    expect(b).toEqual([
      [0, 0],
      [0, 0.4],
      [1, 1],
    ]);
    // A − B = t − 0.4 on [0, 0.5] (sign change at 0.4) and 0.2 − 0.2t on [0.5, 1]:
    // ∫₀^0.4 (0.4 − t) + ∫_0.4^0.5 (t − 0.4) + ∫_0.5^1 (0.2 − 0.2t) = 0.08 + 0.005 + 0.025 = 0.11.
    expect(abroca(a, b)).toBeCloseTo(0.11, 12);
  });
});

describe("groupAbroca", () => {
  it("with two groups, is the area between their two curves", () => {
    const labels = [true, false, true, false];
    const scores = [0.9, 0.1, 0.5, 0.5];
    const groups = ["a", "a", "b", "b"];
    expect(groupAbroca(labels, scores, groups)).toBeCloseTo(0.5, 12);
  });

  it("takes the largest area of a group against the rest, skipping groups below the minimum size", () => {
    // c ranks perfectly, a and b at chance; the rest of c is a ∪ b (a chance curve): area 1/2.
    const labels = [true, false, true, false, true, false];
    const scores = [0.5, 0.5, 0.5, 0.5, 0.9, 0.1];
    const groups = ["a", "a", "b", "b", "c", "c"];
    expect(groupAbroca(labels, scores, groups)).toBeCloseTo(0.5, 12);
    // Without c compared (size 2 < 3), only a and b are, each against a rest that includes c.
    expect(groupAbroca(labels, scores, groups, 3)).toBeNull();
    expect(groupAbroca(labels, scores, groups, 2)).toBeCloseTo(0.5, 12);
  });
});
