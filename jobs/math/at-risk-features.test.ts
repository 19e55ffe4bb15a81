import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AT_RISK_FEATURE_NAMES, type AtRiskInput, atRiskFeatures } from "./at-risk-features";

describe("atRiskFeatures", () => {
  // A 100-day course seen at day 50.
  const input: AtRiskInput = {
    asOfDay: 50,
    courseLengthDays: 100,
    assessments: [
      { dueDay: 10, weight: 20, submittedDay: 8, score: 0.8 }, // 2 days early
      { dueDay: 30, weight: 30, submittedDay: 35, score: 0.5 }, // 5 days late
      { dueDay: 45, weight: 50, submittedDay: null, score: null }, // missed
      { dueDay: 80, weight: 0, submittedDay: 40, score: 1 }, // ahead: 40 days early
      { dueDay: 90, weight: 0, submittedDay: 60, score: 0.9 }, // after the cut-off: unknown
    ],
    activityDays: [1, 2, 2, 49, 70],
    registrationDay: -20,
    priorAttempts: 1,
    concurrentCourses: 2,
  };

  it("computes every feature from what is known at asOfDay (hand-checked)", () => {
    const f = atRiskFeatures(input);
    expect(f.elapsed).toBe(0.5);
    expect(f.noneDue).toBe(0);
    // Due: 10, 30, 45 with weights 20, 30, 50; the 45 one missed → 50/100.
    expect(f.missedShare).toBe(0.5);
    expect(f.lastMissed).toBe(1);
    // Timed submissions known: early 2 (0.02), late 5 (0.05), early 40 (0.4 → cap 0.1).
    expect(f.lateShare).toBeCloseTo(1 / 3, 12);
    expect(f.lateTime).toBeCloseTo(0.05 / 3, 12);
    expect(f.earlyTime).toBeCloseTo(0.12 / 3, 12);
    expect(f.noScore).toBe(0);
    // Scores 0.8 (w 20), 0.5 (w 30), 1 (w 0): (16 + 15) / 50 = 0.62; trend 1 − 0.8 in submission order.
    expect(f.weightedScore).toBeCloseTo(0.62, 12);
    expect(f.scoreTrend).toBeCloseTo(0.2, 12);
    // (20·0.8 + 30·0.5 + 50·0) / 100.
    expect(f.earnedShare).toBeCloseTo(0.31, 12);
    expect(f.relativeScore).toBeNull();
    expect(f.aheadCount).toBe(1);
    // Latest submission day 40 → 10/100 = 0.1 (the cap).
    expect(f.sinceSubmission).toBeCloseTo(0.1, 12);
    expect(f.registration).toBe(-0.2);
    expect(f).toMatchObject({ priorAttempts: 1, concurrentCourses: 2, courseFailRate: null });
    // Active days {1, 2, 49} over 50 days; last one 1 day ago.
    expect(f.activeShare).toBeCloseTo(0.06, 12);
    expect(f.sinceActivity).toBeCloseTo(0.01, 12);
  });

  it("maps missing optional inputs to null (the model's neutral value)", () => {
    const f = atRiskFeatures({ asOfDay: 10, courseLengthDays: 100, assessments: [] });
    expect(f).toMatchObject({ noneDue: 1, missedShare: 0, lastMissed: 0, noScore: 1, aheadCount: 0 });
    for (const name of [
      "lateShare",
      "weightedScore",
      "earnedShare",
      "registration",
      "priorAttempts",
      "concurrentCourses",
      "courseFailRate",
      "activeShare",
      "sinceActivity",
    ] as const) {
      expect(f[name]).toBeNull();
    }
  });

  it("ignores everything after asOfDay", () => {
    const assessment = fc.record({
      dueDay: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
      weight: fc.integer({ min: 0, max: 30 }),
      submittedDay: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
      score: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(assessment, { maxLength: 8 }), fc.integer({ min: 0, max: 200 }), (assessments, asOfDay) => {
        const hidden = assessments.map((a) =>
          a.submittedDay !== null && a.submittedDay > asOfDay ? { ...a, submittedDay: null, score: null } : a,
        );
        const f = atRiskFeatures({ asOfDay, courseLengthDays: 200, assessments });
        expect(atRiskFeatures({ asOfDay, courseLengthDays: 200, assessments: hidden })).toEqual(f);
        for (const name of AT_RISK_FEATURE_NAMES) expect(Number.isNaN(f[name])).toBe(false);
      }),
    );
  });
});

describe("relativeScore", () => {
  it("compares each known score with the cohort's mean on the same assessment", () => {
    const learner = (score: number, submittedDay: number): AtRiskInput => ({
      asOfDay: 30,
      courseLengthDays: 100,
      assessments: [
        { id: "a", dueDay: 20, weight: 1, submittedDay, score, cohortMeanScore: 0.7 },
        { id: "b", dueDay: 25, weight: 1, submittedDay: 25, score: 0.5, cohortMeanScore: null },
      ],
    });
    // 0.6 − 0.7 and 0.8 − 0.7; "b" has no cohort mean (too small a cohort) and does not count.
    expect(atRiskFeatures(learner(0.6, 20)).relativeScore).toBeCloseTo(-0.1, 12);
    expect(atRiskFeatures(learner(0.8, 20)).relativeScore).toBeCloseTo(0.1, 12);
    // Submitted after day 30: not known yet.
    expect(atRiskFeatures(learner(0.1, 40)).relativeScore).toBeNull();
  });
});
