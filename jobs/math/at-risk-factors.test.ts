import { describe, expect, it } from "vitest";
import { describeFactor } from "./at-risk-factors";
import { AT_RISK_FEATURE_NAMES } from "./at-risk-features";

describe("describeFactor", () => {
  it("words each kind of value for people", () => {
    expect(describeFactor("lastMissed", 1, 90)).toEqual({ label: "Missed the last assessment", display: "yes" });
    expect(describeFactor("weightedScore", 0.42, 90)).toEqual({ label: "Average score", display: "42 %" });
    expect(describeFactor("relativeScore", -0.154, 90)).toEqual({ label: "Score against the cohort's mean", display: "−15 points" });
    expect(describeFactor("priorAttempts", 2, 90)).toEqual({ label: "Earlier attempts at this course", display: "2" });
    expect(describeFactor("registration", -20 / 90, 90)).toEqual({ label: "Enrolled", display: "20 days before the start" });
    expect(describeFactor("courseFailRate", null, 90)).toEqual({ label: "Earlier offerings not passed", display: "unknown" });
  });

  it("turns durations (shares of the course) back into days, saying when the cap was reached", () => {
    // 16 days of a 200-day course is 0.08, under the 0.1 cap.
    expect(describeFactor("sinceActivity", 16 / 200, 200)).toEqual({ label: "No activity for", display: "16 days" });
    expect(describeFactor("sinceSubmission", 1 / 200, 200)).toEqual({ label: "No submission for", display: "1 day" });
    // On a 90-day course the cap is 9 days: 16 days reads as at least that.
    expect(describeFactor("sinceActivity", 0.1, 90)).toEqual({ label: "No activity for", display: "9 days or more" });
  });

  it("has a label for every feature", () => {
    for (const name of AT_RISK_FEATURE_NAMES) expect(describeFactor(name, 0, 90).label).toMatch(/^[A-Z][a-z]/);
  });
});
