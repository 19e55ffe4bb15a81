import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { median, quantile, scoreDistribution } from "./distribution";

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
