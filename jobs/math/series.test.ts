import { describe, expect, it } from "vitest";
import { bucketSeries, halfOverHalf } from "./series";

describe("bucketSeries", () => {
  const counts = [1, 0, 2, 0, 0, 3, 1, 0, 0, 4]; // ten days from 2026-11-01
  it("keeps the last `days` as daily points", () => {
    expect(bucketSeries("2026-11-01", counts, 3, "day")).toEqual([
      { date: "2026-11-08", units: 0 },
      { date: "2026-11-09", units: 0 },
      { date: "2026-11-10", units: 4 },
    ]);
  });
  it("sums weeks from the window's first day, the last one possibly shorter", () => {
    expect(bucketSeries("2026-11-01", counts, 10, "week")).toEqual([
      { date: "2026-11-01", units: 7 },
      { date: "2026-11-08", units: 4 },
    ]);
  });
  it("covers what exists when the range is longer than the data", () => {
    expect(bucketSeries("2026-11-01", counts, 365, "week").reduce((sum, p) => sum + p.units, 0)).toBe(11);
  });
});

describe("halfOverHalf", () => {
  it("is the weekly rate of the second half minus the first", () => {
    // first half [1,0,2,0,0]: 3 units in 5 days = 4.2/week; second half [3,1,0,0,4]: 8 in 5 = 11.2/week
    expect(halfOverHalf(counts())).toBeCloseTo(7, 10);
    expect(halfOverHalf([5])).toBe(0);
  });
});

function counts() {
  return [1, 0, 2, 0, 0, 3, 1, 0, 0, 4];
}
