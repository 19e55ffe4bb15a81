import { describe, expect, it } from "vitest";
import { type BktParams, bktTrace, DEFAULT_BKT_PARAMS } from "./bkt";
import { type LearnerTraceSettings, type TracedAnswer, traceLearner } from "./learner-trace";

const forgetful: BktParams = { pInit: 0.3, pLearn: 0.1, pGuess: 0.2, pSlip: 0.1, pForget: 0.2 };
/** Ability switched off, so only the forgetting across intervening trials is at work. */
const noAbility: LearnerTraceSettings = {
  abilityWeight: 0,
  abilityPrecision: 3,
  abilityMemory: 0.99,
  maxAbility: 4,
  interveningForgetting: 0.5,
};
const answer = (skillId: string, correct: boolean): TracedAnswer => ({ skillId, correct });
const paramsOf = (skillId: string) => (skillId === "A" ? forgetful : DEFAULT_BKT_PARAMS);

describe("traceLearner: forgetting across intervening trials", () => {
  it("decays mastery by (1 − pForget)^(1 + ω·g) between two responses g trials apart (hand-checked)", () => {
    // A right: P(c) = 0.3·0.9 + 0.7·0.2 = 0.41; P(L) = 0.27 / 0.41 = 0.658537.
    // B wrong: B's own chain (defaults), P(c) = 0.41.
    // A again after g = 1 trial of B, ω = 0.5: survival 0.8^1.5 = 0.715542;
    //   L = 0.658537·0.715542 + 0.341463·0.1 = 0.505360; P(c) = 0.505360·0.9 + 0.494640·0.2 = 0.553752.
    const trace = traceLearner([answer("A", true), answer("B", false), answer("A", true)], paramsOf, noAbility);
    expect(trace.predictions[0]).toBeCloseTo(0.41, 10);
    expect(trace.predictions[1]).toBeCloseTo(0.41, 10);
    expect(trace.predictions[2]).toBeCloseTo(0.553752, 5);
    // Without the gap (ω = 0) it is BKT with forgetting: L = 0.658537·0.8 + 0.034146 = 0.560976 → 0.592683.
    const plain = traceLearner([answer("A", true), answer("B", false), answer("A", true)], paramsOf, {
      ...noAbility,
      interveningForgetting: 0,
    });
    expect(plain.predictions[2]).toBeCloseTo(0.592683, 6);
  });

  it("reports a skill's mastery decayed by the other skills' trials since its last response", () => {
    // A's posterior 0.658537, then one trial of B: 0.658537·0.8^(0.5·1) = 0.589013. B: 0.03 / 0.59 = 0.050847.
    const trace = traceLearner([answer("A", true), answer("B", false)], paramsOf, noAbility);
    expect(trace.skills.get("A")).toEqual({ mastery: expect.closeTo(0.589013, 6), responses: 1 });
    expect(trace.skills.get("B")).toEqual({ mastery: expect.closeTo(0.050847, 6), responses: 1 });
  });

  it("is per-skill BKT with forgetting when ability and gaps play no part", () => {
    const answers = [true, false, true, true, false, true];
    const trace = traceLearner(
      answers.map((correct) => answer("A", correct)),
      paramsOf,
      noAbility,
    );
    const expected = bktTrace(forgetful, answers);
    trace.predictions.forEach((p, t) => expect(p).toBeCloseTo(expected.predictions[t] ?? Number.NaN, 12));
    expect(trace.skills.get("A")?.mastery).toBeCloseTo(expected.mastery, 12);
  });
});

describe("traceLearner: learner ability", () => {
  const settings: LearnerTraceSettings = {
    abilityWeight: 1.5,
    abilityPrecision: 3,
    abilityMemory: 0.99,
    maxAbility: 4,
    interveningForgetting: 0,
  };

  it("moves the ability by one extended-Kalman step per response (hand-checked)", () => {
    // Defaults, a = 0, precision τ = 3: P(c) = 0.41; ∂P/∂a = 1.5·(0.3·0.9·0.1 + 0.7·0.2·0.8) = 0.2085;
    // precision = 0.99·3 + 0.01·3 + 0.2085² / (0.41·0.59) = 3.179713; a = 0.2085·0.59 / 0.2419 / 3.179713 = 0.159932.
    expect(traceLearner([answer("B", true)], paramsOf, settings).ability).toBeCloseTo(0.159932, 5);
    expect(traceLearner([answer("B", false)], paramsOf, settings).ability).toBeLessThan(0);
  });

  it("raises the first prediction on a new skill after right answers elsewhere, lowers it after wrong ones", () => {
    const history = (correct: boolean) => Array.from({ length: 6 }, (_, i) => answer(`other-${i % 3}`, correct));
    const first = (correct: boolean, s: LearnerTraceSettings) =>
      traceLearner([...history(correct), answer("A", true)], paramsOf, s).predictions.at(-1);
    const average = first(true, { ...settings, abilityWeight: 0 });
    expect(average).toBeCloseTo(0.41, 10);
    expect(first(true, settings)).toBeGreaterThan(0.5);
    expect(first(false, settings)).toBeLessThan(0.3);
  });

  it("keeps the ability within ±maxAbility however long the streak", () => {
    const streak = Array.from({ length: 500 }, (_, i) => answer(`s${i % 7}`, true));
    const trace = traceLearner(streak, paramsOf, { ...settings, abilityWeight: 3, abilityMemory: 0.5, maxAbility: 2 });
    expect(trace.ability).toBeLessThanOrEqual(2);
    for (const p of trace.predictions) expect(p).toBeLessThan(1);
  });
});

describe("traceLearner: stored parameters of any age", () => {
  it("reads a row from before pForget existed with the default, and clamps out-of-bounds fields", () => {
    const old = { pInit: 0.3, pLearn: 0.1, pGuess: 0.2, pSlip: 0.1 };
    const trace = traceLearner([answer("A", true)], () => old, noAbility);
    expect(trace.skills.get("A")?.mastery).toBeCloseTo(0.27 / 0.41, 10);
    const wild = traceLearner([answer("A", true)], () => ({ ...old, pGuess: 0.9 }), noAbility);
    // pGuess clamped to 0.499: P(c) = 0.3·0.9 + 0.7·0.499 = 0.6193.
    expect(wild.predictions[0]).toBeCloseTo(0.6193, 10);
  });
});
