import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { masteredShare, skillGapPriorities } from "./skill-gaps";

describe("skillGapPriorities", () => {
  it("ranks gap × importance × (1 − mastery), ties by skillId", () => {
    const ranked = skillGapPriorities([
      // gap (4 − 1)/5 = 0.6 → 0.6 · 0.5 · (1 − 0.2) = 0.24
      { skillId: "a", targetLevel: 4, currentLevel: 1, importance: 0.5, mastery: 0.2 },
      // no levels: gap 1 − 0.5 → 0.5 · 1 · 0.5 = 0.25
      { skillId: "c", importance: 1, mastery: 0.5 },
      // no evidence: mastery 0, gap 5/5 → 1 · 0.24 · 1 = 0.24 (ties with a, after it)
      { skillId: "d", targetLevel: 5, currentLevel: 0, importance: 0.24, mastery: null },
      // not important: gap 0.2 → 0, still a gap, ranked last
      { skillId: "e", targetLevel: 3, currentLevel: 2, importance: 0, mastery: 0.1 },
    ]);
    expect(ranked.map((g) => g.skillId)).toEqual(["c", "a", "d", "e"]);
    expect(ranked.map((g) => g.priority)).toEqual([0.25, expect.closeTo(0.24, 12), expect.closeTo(0.24, 12), 0]);
    expect(ranked[1]).toMatchObject({ gap: 0.6, importance: 0.5, mastery: 0.2 });
  });

  it("leaves out mastered skills (P ≥ 0.95) and levels that reach the target", () => {
    const ranked = skillGapPriorities([
      // Mastered although the recorded level lags: gap 0.6 · 1 · 0.04 would have been 0.024.
      { skillId: "mastered", targetLevel: 4, currentLevel: 1, importance: 1, mastery: 0.96 },
      { skillId: "at threshold", importance: 1, mastery: 0.95 },
      // Just under: 1 − 0.94 = 0.06 → 0.06 · 1 · 0.06 = 0.0036.
      { skillId: "almost", importance: 1, mastery: 0.94 },
      // Level above the target: gap 0.
      { skillId: "above", targetLevel: 2, currentLevel: 3, importance: 1, mastery: 0.1 },
      { skillId: "reached", targetLevel: 3, currentLevel: 3, importance: 1, mastery: null },
    ]);
    expect(ranked).toEqual([
      { skillId: "almost", gap: expect.closeTo(0.06, 12), importance: 1, mastery: 0.94, priority: expect.closeTo(0.0036, 12) },
    ]);
    // Another threshold, e.g. a stricter organisation's: 0.96 is then not mastered.
    expect(skillGapPriorities([{ skillId: "s", importance: 1, mastery: 0.96 }], 0.99).map((g) => g.skillId)).toEqual(["s"]);
  });

  it("gives priorities in 0..1, sorted descending", () => {
    const level = fc.integer({ min: 0, max: 5 });
    const target = fc.record({
      skillId: fc.string(),
      targetLevel: fc.option(level, { nil: undefined }),
      currentLevel: fc.option(level, { nil: undefined }),
      importance: fc.double({ min: 0, max: 1, noNaN: true }),
      mastery: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(target), (targets) => {
        const ranked = skillGapPriorities(targets);
        ranked.forEach((g, i) => {
          expect(g.mastery).toBeLessThan(0.95);
          expect(g.gap).toBeGreaterThan(0);
          expect(g.priority).toBeGreaterThanOrEqual(0);
          expect(g.priority).toBeLessThanOrEqual(1);
          if (i > 0) expect(g.priority).toBeLessThanOrEqual(ranked[i - 1]!.priority);
        });
      }),
    );
  });
});

describe("masteredShare", () => {
  it("counts skills at or above 0.95 among all targets (unknown counts as not mastered)", () => {
    expect(masteredShare([0.96, 0.5, null, 0.95])).toBe(0.5);
    expect(masteredShare([0.8], 0.7)).toBe(1);
    expect(masteredShare([])).toBeNull();
  });
});
