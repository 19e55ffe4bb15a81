import { describe, expect, it } from "vitest";
import { chartsOrFigures, percent, shareFigure } from "./shared";

describe("chartsOrFigures", () => {
  it("draws charts of two points or more and states one-point charts as figures", () => {
    const { charts, figures } = chartsOrFigures({
      completionFunnel: { title: "Course progress (units completed)", steps: [{ label: "TS-101", value: 4 }] },
      engagementTrend: {
        title: "Units completed per week",
        points: [
          { label: "06-16", value: 3 },
          { label: "06-23", value: 0 },
        ],
      },
      skillGaps: { title: "Top skill gaps (priority)", items: [{ label: "Generic constraints", value: 0.842 }] },
      scoreHistogram: {
        title: "Average scores in the period (learners)",
        bins: [
          { from: 0.6, to: 0.7, count: 0 },
          { from: 0.7, to: 0.8, count: 5 },
        ],
      },
    });
    expect(Object.keys(charts)).toEqual(["engagementTrend"]);
    expect(figures).toEqual([
      { label: "Average scores in the period (learners)", value: "70–80 % (all 5)" },
      { label: "Course progress (units completed): TS-101", value: "4" },
      { label: "Top skill gaps (priority): Generic constraints", value: "0.84" },
    ]);
  });

  it("drops charts with nothing to draw, without a figure", () => {
    const { charts, figures } = chartsOrFigures({
      completionFunnel: {
        title: "f",
        steps: [
          { label: "Enrolled", value: 0 },
          { label: "Completed", value: 0 },
        ],
      },
      scoreHistogram: { title: "h", bins: [{ from: 0, to: 0.1, count: 0 }] },
    });
    expect(charts).toEqual({});
    expect(figures).toEqual([]);
  });
});

describe("figures", () => {
  it("give a share as a percentage number with one decimal beside its text", () => {
    expect(percent(1 / 3)).toBe(33.3);
    expect(percent(null)).toBeNull();
    expect(shareFigure("at_risk_percent", "At-risk share (learners)", 0.125)).toEqual({
      key: "at_risk_percent",
      label: "At-risk share (learners)",
      value: "13 %",
      number: 12.5,
    });
  });
});
