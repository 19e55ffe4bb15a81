import { describe, expect, it } from "vitest";
import { fitLogistic, logit, sigmoid } from "./logistic";

describe("fitLogistic", () => {
  it("finds the maximum-likelihood solution (hand-checked)", () => {
    // x = 0: 1 of 4 positive → intercept logit(0.25) = −ln 3 = −1.0986;
    // x = 1: 3 of 4 positive → slope logit(0.75) − logit(0.25) = 2 ln 3 = 2.1972.
    const rows = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const fit = fitLogistic(rows, [1, 0, 0, 0, 1, 1, 1, 0], { l2: 1e-9 });
    expect(fit.intercept).toBeCloseTo(-Math.log(3), 6);
    expect(fit.coefficients[0]).toBeCloseTo(2 * Math.log(3), 6);
  });

  it("shrinks coefficients with the penalty and stays finite on separable data", () => {
    const rows = [[-1], [-0.5], [0.5], [1]];
    const labels = [false, false, true, true];
    const weak = fitLogistic(rows, labels, { l2: 10 });
    const strong = fitLogistic(rows, labels, { l2: 0.1 });
    expect(Number.isFinite(strong.coefficients[0])).toBe(true);
    expect(weak.coefficients[0]).toBeLessThan(strong.coefficients[0]!);
  });
});

describe("sigmoid and logit", () => {
  it("are inverse and do not overflow", () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(logit(0.3))).toBeCloseTo(0.3, 12);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
  });
});
