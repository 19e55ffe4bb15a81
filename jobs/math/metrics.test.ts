import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { brierScore, expectedCalibrationError, rmse, rocAuc } from "./metrics";

describe("rocAuc", () => {
  it("counts correctly ordered positive–negative pairs", () => {
    // Positives 0.9, 0.7; negatives 0.8, 0.1. Pairs: 0.9>0.8 ✓, 0.9>0.1 ✓, 0.7<0.8 ✗, 0.7>0.1 ✓ → 3/4.
    expect(rocAuc([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])).toBeCloseTo(0.75, 12);
  });

  it("counts a tie between a positive and a negative as one half", () => {
    expect(rocAuc([true, false], [0.5, 0.5])).toBe(0.5);
    // Pairs: (0.6 vs 0.4) 1, (0.4 vs 0.4) ½ → 1.5 / 2.
    expect(rocAuc([1, 1, 0], [0.6, 0.4, 0.4])).toBeCloseTo(0.75, 12);
  });

  it("is undefined with one class only", () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it("is in [0, 1], and reversing the scores gives 1 − AUC", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { minLength: 2, maxLength: 60 }), (pairs) => {
        const labels = pairs.map(([y]) => y);
        fc.pre(labels.includes(true) && labels.includes(false));
        const scores = pairs.map(([, s]) => s / 20);
        const auc = rocAuc(labels, scores);
        expect(auc).toBeGreaterThanOrEqual(0);
        expect(auc).toBeLessThanOrEqual(1);
        expect(
          auc +
            rocAuc(
              labels,
              scores.map((s) => -s),
            ),
        ).toBeCloseTo(1, 9);
      }),
    );
  });
});

describe("rmse and brierScore", () => {
  it("are the (root) mean squared error of the probabilities", () => {
    // Errors 0.5 and 0 → squared 0.25, 0 → mean 0.125.
    expect(brierScore([0.5, 1], [1, 1])).toBeCloseTo(0.125, 12);
    expect(rmse([0.5, 1], [true, true])).toBeCloseTo(Math.sqrt(0.125), 12);
  });
});

describe("expectedCalibrationError", () => {
  it("weighs each bin's |mean p − mean y| by its share of the predictions", () => {
    // Bin 0: p 0.05, y 0 → |0.05 − 0| · 1; bin 1: p 0.15, 0.15, y 0, 1 → |0.3 − 1| = 0.7;
    // bin 9: p 0.95, y 1 → 0.05. ECE = (0.05 + 0.7 + 0.05) / 4 = 0.2.
    expect(expectedCalibrationError([0.05, 0.15, 0.15, 0.95], [0, 0, 1, 1])).toBeCloseTo(0.2, 12);
  });

  it("puts p = 1 in the last bin and is 0 for perfectly calibrated bins", () => {
    expect(expectedCalibrationError([1, 1, 0.25, 0.25, 0.25, 0.25], [1, 1, 1, 0, 0, 0])).toBeCloseTo(0, 12);
  });

  it("is in [0, 1]", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 1 }), (pairs) => {
        const ece = expectedCalibrationError(
          pairs.map(([p]) => p),
          pairs.map(([, y]) => y),
        );
        expect(ece).toBeGreaterThanOrEqual(0);
        expect(ece).toBeLessThanOrEqual(1);
      }),
    );
  });
});
