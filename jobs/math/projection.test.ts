import { describe, expect, it } from "vitest";
import { projectCompletion } from "./projection";

const WEEK = 7 * 86_400_000;
const asOf = "2024-01-01T00:00:00.000Z";
const weeksAfter = (iso: string) => (Date.parse(iso) - Date.parse(asOf)) / WEEK;

describe("projectCompletion", () => {
  it("divides the remaining units by the recent rate, with an 80 % band", () => {
    // rate = (4 + 6)/2 = 5/week → 10 units in 2 weeks → 15 Jan.
    // s = √((1 + 1)/1) = √2, margin = 1.2816 · √2/√2 = 1.2816 → 10/6.2816 = 1.5920 and 10/3.7184 = 2.6893 weeks.
    const p = projectCompletion({ asOf, unitsRemaining: 10, recentWeekly: [4, 6] })!;
    expect(p.date).toBe("2024-01-15T00:00:00.000Z");
    expect(p.rate).toBe(5);
    expect(p.weeksRemaining).toBe(2);
    expect(weeksAfter(p.earliest)).toBeCloseTo(1.592, 3);
    expect(weeksAfter(p.latest!)).toBeCloseTo(2.6893, 3);
  });

  it("has an open-ended band when the rate may be zero, and a point with one week", () => {
    expect(projectCompletion({ asOf, unitsRemaining: 3, recentWeekly: [0, 4] })!.latest).toBeNull();
    const single = projectCompletion({ asOf, unitsRemaining: 3, recentWeekly: [3] })!;
    expect([single.earliest, single.latest]).toEqual([single.date, single.date]);
  });

  it("is null when complete or without progress", () => {
    expect(projectCompletion({ asOf, unitsRemaining: 0, recentWeekly: [3] })).toBeNull();
    expect(projectCompletion({ asOf, unitsRemaining: 5, recentWeekly: [0, 0] })).toBeNull();
    expect(projectCompletion({ asOf, unitsRemaining: 5, recentWeekly: [] })).toBeNull();
  });
});
