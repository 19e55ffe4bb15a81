import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { histogramBin, median, peerPercentiles, quantile, roundHalfUp, scoreDistribution } from "./distribution";

describe("quantile (type 7)", () => {
  it("matches R's quantile() / numpy.percentile defaults", () => {
    // numpy.percentile([1, 2, 3, 10], [10, 25, 50, 75, 90]) = [1.3, 1.75, 2.5, 4.75, 7.9]
    const sorted = [1, 2, 3, 10];
    expect([0.1, 0.25, 0.5, 0.75, 0.9].map((p) => quantile(sorted, p)!)).toEqual([
      expect.closeTo(1.3, 12),
      1.75,
      2.5,
      4.75,
      expect.closeTo(7.9, 12),
    ]);
    expect(quantile([], 0.5)).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
  });
});

describe("scoreDistribution", () => {
  it("gives histogram, mean and quantiles (hand-checked)", () => {
    // numpy.percentile([.1, .2, .3, .4, .5], [10, 25, 50, 75, 90]) = [.14, .2, .3, .4, .46]
    const d = scoreDistribution([0.5, 0.1, 0.4, 0.2, 0.3]);
    expect(d.count).toBe(5);
    expect(d.mean).toBeCloseTo(0.3, 12);
    expect(d.quantiles!.p10).toBeCloseTo(0.14, 12);
    expect(d.quantiles!.p25).toBeCloseTo(0.2, 12);
    expect(d.quantiles!.p50).toBeCloseTo(0.3, 12);
    expect(d.quantiles!.p75).toBeCloseTo(0.4, 12);
    expect(d.quantiles!.p90).toBeCloseTo(0.46, 12);
    // 0.3 belongs to [0.3, 0.4) although 0.3 / 0.1 = 2.999… in floating point.
    expect(d.histogram.map((b) => b.count)).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it("supports a 0..100 scale and puts the maximum in the last bin", () => {
    const d = scoreDistribution([0, 55, 100], { domain: [0, 100], bins: 10 });
    expect(d.histogram.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(d.histogram[9]).toEqual({ from: 90, to: 100, count: 1 });
  });

  it("handles no scores", () => {
    const d = scoreDistribution([]);
    expect(d).toMatchObject({ count: 0, mean: null, quantiles: null });
    expect(d.histogram).toHaveLength(10);
  });

  it("keeps ordered quantiles within the data and counts every score once", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }), (values) => {
        const d = scoreDistribution(values);
        const q = d.quantiles!;
        const ordered = [Math.min(...values), q.p10, q.p25, q.p50, q.p75, q.p90, Math.max(...values)];
        ordered.slice(1).forEach((v, i) => expect(v).toBeGreaterThanOrEqual(ordered[i]!));
        expect(d.histogram.reduce((s, b) => s + b.count, 0)).toBe(values.length);
      }),
    );
  });
});

describe("histogramBin", () => {
  it("puts a score on an edge in the bin that starts there, 1 in the last bin", () => {
    const bin = (v: number) => histogramBin(v, 10, [0, 1]);
    expect([0, 0.1, 0.3, 0.7, 0.95, 1].map(bin)).toEqual([0, 1, 3, 7, 9, 9]);
    // Floating error just below an edge reads as the edge: 0.3 − 0.1 = 0.19999999999999998, 0.1 + 0.2 = 0.30000000000000004.
    expect([0.3 - 0.1, 0.1 + 0.2, 0.2999].map(bin)).toEqual([2, 3, 2]);
    expect([-0.5, 1.5].map(bin)).toEqual([0, 9]);
  });

  it("agrees with exact decimal arithmetic on every 4-decimal score", () => {
    for (let k = 0; k <= 10_000; k += 1) expect(histogramBin(k / 10_000, 10, [0, 1])).toBe(Math.min(9, Math.floor(k / 1_000)));
  });
});

describe("roundHalfUp", () => {
  it("rounds halves up, also when floating error put them just below", () => {
    expect(roundHalfUp(6.25, 1)).toBe(6.3);
    // 1.005 · 100 is 100.49999999999999 in floating point.
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(roundHalfUp(63.3333, 1)).toBe(63.3);
    expect(roundHalfUp(0, 1)).toBe(0);
  });
});

describe("peerPercentiles", () => {
  it("ranks among the other members of each group, ties at the midpoint, then averages the groups with peers", () => {
    const ranks = peerPercentiles([
      // Group a: 0, 1, 2, 2, 2, 3.5. Group b: 1, 2, 2, 2. Group c: only x. Group d: only lone.
      { id: "low", value: 0, groups: ["a"] },
      { id: "one", value: 1, groups: ["a", "b"] },
      { id: "x", value: 2, groups: ["a", "b", "c"] },
      { id: "y", value: 2, groups: ["a", "b", "b"] },
      { id: "z", value: 2, groups: ["a"] },
      { id: "top", value: 3.5, groups: ["a"] },
      { id: "w", value: 2, groups: ["b"] },
      { id: "lone", value: 5, groups: ["d"] },
      { id: "none", value: 1, groups: [] },
      { id: "unknown", value: null, groups: ["a"] },
    ]);
    // low in a: others 1, 2, 2, 2, 3.5 → 0 below → 0. top: 5 below → 100.
    expect(ranks.get("low")).toBe(0);
    expect(ranks.get("top")).toBe(100);
    // one: a → 1 below of 5 = 20; b → 0 of 3 = 0; mean 10.
    expect(ranks.get("one")).toBe(10);
    // x: a → (2 below + ½·2 equal) / 5 = 60; b → (1 + ½·2) / 3 = 66.67; c alone: not counted; mean 63.33 → 63.3.
    expect(ranks.get("x")).toBe(63.3);
    // y is in b once although listed twice: same as x.
    expect(ranks.get("y")).toBe(63.3);
    // z: a only → 60. w: b only → 66.67 → 66.7.
    expect(ranks.get("z")).toBe(60);
    expect(ranks.get("w")).toBe(66.7);
    // No peers anywhere, or no value: null.
    expect(ranks.get("lone")).toBeNull();
    expect(ranks.get("none")).toBeNull();
    expect(ranks.get("unknown")).toBeNull();
  });

  it("gives two tied members 50 each and a pair of distinct values 0 and 100", () => {
    const ranks = peerPercentiles([
      { id: "a", value: 3, groups: ["g"] },
      { id: "b", value: 3, groups: ["g"] },
      { id: "c", value: 1, groups: ["h"] },
      { id: "d", value: 4, groups: ["h"] },
    ]);
    expect([...ranks.values()]).toEqual([50, 50, 0, 100]);
  });
});
