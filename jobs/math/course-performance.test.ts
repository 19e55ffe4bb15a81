import { describe, expect, it } from "vitest";
import { type CourseEnrolmentRecord, coursePerformance } from "./course-performance";

const jan = (d: number) => new Date(Date.UTC(2024, 0, d)).toISOString();

describe("coursePerformance", () => {
  const enrolments: CourseEnrolmentRecord[] = [
    // completed in 10 days, active in the window
    { startedAt: jan(1), completedAt: jan(11), lastActivityAt: jan(11), moduleUnitsCompleted: [2, 2, 2], score: 0.9, passed: true },
    // completed in 20 days
    { startedAt: jan(5), completedAt: jan(25), lastActivityAt: jan(25), moduleUnitsCompleted: [2, 2, 2], score: 0.7, passed: true },
    // stopped in module 2 before the window: inactive, failed
    { startedAt: jan(-30), completedAt: null, lastActivityAt: jan(-10), moduleUnitsCompleted: [2, 1, 0], score: 0.3, passed: false },
    // never started
    { startedAt: null, completedAt: null, lastActivityAt: null, moduleUnitsCompleted: [] },
    // skipped ahead to module 3
    { startedAt: jan(10), completedAt: null, lastActivityAt: jan(20), moduleUnitsCompleted: [0, 0, 1] },
  ];
  const result = coursePerformance({ window: { from: jan(1), to: jan(32) }, moduleCount: 3, enrolments });

  it("counts enrolment, activity, completion, passes and scores (hand-checked)", () => {
    expect(result).toMatchObject({ enrolled: 5, active: 3, completed: 2, completionRate: 0.4 });
    // graded: 3, passed: 2; scores 0.9, 0.7, 0.3 → mean 0.6333.
    expect(result.passRate).toBeCloseTo(2 / 3, 12);
    expect(result.averageScore).toBeCloseTo(1.9 / 3, 12);
    // durations 10 and 20 days → median 15.
    expect(result.medianDaysToComplete).toBe(15);
  });

  it("measures drop-off between consecutive modules", () => {
    // Furthest module reached: 3 (completed), 3 (completed), module 2, none, module 3.
    // reached 1: 4, reached 2: 4, reached 3: 3, completed: 2 → 0/4, 1/4, 1/3.
    expect(result.moduleDropOff[0]).toBe(0);
    expect(result.moduleDropOff[1]).toBe(0.25);
    expect(result.moduleDropOff[2]).toBeCloseTo(1 / 3, 12);
  });

  it("returns nulls for an empty course", () => {
    expect(coursePerformance({ window: { from: jan(1), to: jan(2) }, moduleCount: 2, enrolments: [] })).toEqual({
      enrolled: 0,
      active: 0,
      completed: 0,
      completionRate: null,
      passRate: null,
      averageScore: null,
      moduleDropOff: [null, null],
      medianDaysToComplete: null,
    });
  });
});
