import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { learningVelocity, percentileRank } from "./velocity";

const day = (d: number, hour = 12) => new Date(Date.UTC(2024, 0, d, hour)).toISOString();

describe("learningVelocity", () => {
  it("counts units per 7-day bucket from `from`, with mean rate and least-squares trend", () => {
    // Window 1–22 Jan (3 weeks): 2, 4, 6 units → mean 12 / 3 = 4/week; points (0.5, 2), (1.5, 4),
    // (2.5, 6) lie on a line of slope 2 units/week per week.
    const completedAt = [day(1), day(3), day(8), day(9), day(10), day(14), ...[15, 16, 17, 18, 19, 21].map((d) => day(d))];
    const v = learningVelocity({ completedAt: [...completedAt, day(22, 0), day(0)], from: day(1, 0), to: day(22, 0) });
    expect(v.weekly).toEqual([2, 4, 6]);
    expect(v.units).toBe(12);
    expect(v.perWeek).toBeCloseTo(4, 12);
    expect(v.trend).toBeCloseTo(2, 12);
  });

  it("scales a partial last bucket to a weekly rate", () => {
    // 10-day window: 7 units in week 1, 6 units in the last 3 days → 6 · 7/3 = 14/week.
    // Mean: 13 units / (10/7 weeks) = 9.1. Two points (0.5, 7) and (1 + 3/14, 14): slope 7 / (5/7) = 9.8.
    const v = learningVelocity({
      completedAt: [...Array(7).fill(day(2)), ...Array(6).fill(day(9))],
      from: day(1, 0),
      to: day(11, 0),
    });
    expect(v.weekly[0]).toBeCloseTo(7, 12);
    expect(v.weekly[1]).toBeCloseTo(14, 12);
    expect(v.perWeek).toBeCloseTo(9.1, 12);
    expect(v.trend).toBeCloseTo(9.8, 12);
  });

  it("has no trend in a single bucket and rejects an empty window", () => {
    expect(learningVelocity({ completedAt: [day(2)], from: day(1, 0), to: day(4, 0) }).trend).toBe(0);
    expect(() => learningVelocity({ completedAt: [], from: day(4), to: day(4) })).toThrow(RangeError);
  });
});

describe("percentileRank", () => {
  it("counts peers strictly below plus half the ties", () => {
    // Below 5: {1}; equal: two 5s → (1 + 2/2) / 4 = 50 %.
    expect(percentileRank(5, [1, 5, 5, 9])).toBe(50);
    expect(percentileRank(10, [1, 2])).toBe(100);
    expect(percentileRank(0, [1, 2])).toBe(0);
    expect(percentileRank(3, [])).toBeNull();
  });

  it("is in 0..100 and never decreases as the value grows", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 5 }),
        (peers, value, step) => {
          const rank = percentileRank(value, peers)!;
          expect(rank).toBeGreaterThanOrEqual(0);
          expect(rank).toBeLessThanOrEqual(100);
          expect(percentileRank(value + step, peers)!).toBeGreaterThanOrEqual(rank);
        },
      ),
    );
  });
});
