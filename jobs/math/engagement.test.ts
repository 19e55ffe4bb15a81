import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ENGAGEMENT_WEIGHTS, engagementScore, labPassedIn } from "./engagement";

describe("engagementScore", () => {
  it("adds the weighted, saturating components (hand-checked)", () => {
    // 4 weeks. regularity: 6/28 = 0.214 of days ÷ 3/7 = 0.5; time: 240 min = 60/week ÷ 120 = 0.5;
    // completion: 8/10 = 0.8; practice: 2 passes = 0.5/week ÷ 1 = 0.5;
    // helpSeeking: (10 − 2) = 2/week ÷ 2 = 1.
    // Score = 100 · (0.3·0.5 + 0.2·0.5 + 0.2·0.8 + 0.15·0.5 + 0.15·1) = 63.5.
    const e = engagementScore({
      windowDays: 28,
      activeDays: 6,
      activeMinutes: 240,
      contentStarted: 10,
      contentCompleted: 8,
      labPassed: 2,
      assistantQuestions: 10,
      assistantUnhelpful: 2,
    });
    expect(e.score).toBeCloseTo(63.5, 10);
    expect(e.components.regularity).toEqual({ value: expect.closeTo(0.5, 12), weight: 0.3, contribution: expect.closeTo(15, 10) });
    expect(e.components.helpSeeking?.value).toBe(1);
  });

  it("renormalises the weights over the components with data", () => {
    // regularity 0.5 (weight 0.3 → 0.6), completion 4/4 = 1 (0.2 → 0.4): 100 · (0.3 + 0.4) = 70.
    const e = engagementScore({ windowDays: 28, activeDays: 6, contentStarted: 4, contentCompleted: 4 });
    expect(e.score).toBeCloseTo(70, 10);
    expect(Object.keys(e.components).sort()).toEqual(["completion", "regularity"]);
    expect(e.components.completion?.weight).toBeCloseTo(0.4, 12);
  });

  it("has nominal weights summing to 1", () => {
    expect(Object.values(ENGAGEMENT_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("stays within 0..100 and grows with active days", () => {
    const count = fc.integer({ min: 0, max: 200 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), count, count, count, count, (windowDays, activeDays, minutes, started, completed) => {
        const input = {
          windowDays,
          activeDays: Math.min(activeDays, windowDays),
          activeMinutes: minutes * 10,
          contentStarted: started + completed,
          contentCompleted: completed,
        };
        const score = engagementScore(input).score;
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100 + 1e-9);
        expect(engagementScore({ ...input, activeDays: Math.min(input.activeDays + 1, windowDays) }).score).toBeGreaterThanOrEqual(score);
      }),
    );
  });
});

describe("labPassedIn", () => {
  const course = (id: string, kinds: string[]) => ({ id, modules: [{ units: kinds.map((kind) => ({ kind })) }] });
  const courses = [course("labs", ["video", "lab"]), course("reading", ["video", "reading"]), course("other-labs", ["lab"])];
  const submissions = [
    { courseId: "labs", passed: true },
    { courseId: "labs", passed: true },
    { courseId: "labs", passed: false },
    // Not the learner's course, and a course without labs: neither counts.
    { courseId: "other-labs", passed: true },
    { courseId: "reading", passed: true },
  ];

  it("counts the passed submissions in the learner's courses with labs", () => {
    expect(labPassedIn(["labs", "reading"], courses, submissions)).toBe(2);
    // A lab course with nothing passed is a real 0.
    expect(labPassedIn(["labs"], courses, [{ courseId: "labs", passed: false }])).toBe(0);
  });

  it("is undefined without a course with labs, so practice is left out rather than scored 0", () => {
    expect(labPassedIn(["reading"], courses, submissions)).toBeUndefined();
    // Course structure unknown (courseBuilder did not answer).
    expect(labPassedIn(["labs"], [], submissions)).toBeUndefined();
    // regularity 0.5 alone → 50, not 100 · (0.3 · 0.5) / (0.3 + 0.15) = 33.3 with practice 0.
    const labPassed = labPassedIn(["reading"], courses, submissions);
    expect(engagementScore({ windowDays: 28, activeDays: 6, labPassed }).score).toBeCloseTo(50, 10);
    expect(engagementScore({ windowDays: 28, activeDays: 6, labPassed: 0 }).score).toBeCloseTo(100 / 3, 10);
  });
});
