import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BKT_BOUNDS, type BktParams, bktParamsOf, bktTrace, canReachMastery, DEFAULT_BKT_PARAMS, masteryCeiling } from "./bkt";
import { fitBkt } from "./bkt-fit";
import { seededRandom } from "./random";

describe("bktTrace", () => {
  it("predicts each response before seeing it and updates by Bayes' rule (hand-checked)", () => {
    // Defaults pInit 0.3, pLearn 0.1, pGuess 0.2, pSlip 0.1, pForget 0.
    // 1st: P(c) = 0.3·0.9 + 0.7·0.2 = 0.41; correct → P(L) = 0.27 / 0.41 = 0.658537;
    //      learn → 0.658537 + 0.341463·0.1 = 0.692683.
    // 2nd: P(c) = 0.692683·0.9 + 0.307317·0.2 = 0.684878; wrong → P(L) = 0.0692683 / 0.315122 = 0.219814.
    // Next: L = 0.219814 + 0.780186·0.1 = 0.297833 → P(c) = 0.297833·0.9 + 0.702167·0.2 = 0.408483.
    const trace = bktTrace(DEFAULT_BKT_PARAMS, [true, false]);
    expect(trace.predictions[0]).toBeCloseTo(0.41, 10);
    expect(trace.predictions[1]).toBeCloseTo(0.684878, 6);
    expect(trace.mastery).toBeCloseTo(0.219814, 6);
    expect(trace.nextCorrect).toBeCloseTo(0.408483, 6);
  });

  it("lets mastery decay between responses with forgetting", () => {
    // After one correct answer P(L) = 0.658537; with pForget 0.2:
    // L = 0.658537·0.8 + 0.341463·0.1 = 0.560976 → P(c) = 0.560976·0.9 + 0.439024·0.2 = 0.592683.
    expect(bktTrace({ ...DEFAULT_BKT_PARAMS, pForget: 0.2 }, [true]).nextCorrect).toBeCloseTo(0.592683, 6);
  });

  it("keeps the posterior a probability after a long run of right answers ends", () => {
    // pForget 0: 170 right answers take P(L) to 1 in floating point; 1 − P(correct) would then
    // cancel and a wrong answer push P(L) above 1 (an ASSISTments skill did exactly this).
    const p: BktParams = { pInit: 0.81, pLearn: 0.005, pGuess: 0.42, pSlip: 0.015, pForget: 0 };
    const answers = [...Array<boolean>(170).fill(true), ...Array<boolean>(30).fill(false)];
    for (const prediction of bktTrace(p, answers).predictions) {
      expect(prediction).toBeGreaterThanOrEqual(p.pGuess);
      expect(prediction).toBeLessThanOrEqual(1 - p.pSlip);
    }
  });

  it("returns the prior without responses", () => {
    expect(bktTrace(DEFAULT_BKT_PARAMS, [])).toEqual({ predictions: [], mastery: 0.3, nextCorrect: expect.closeTo(0.41, 10) });
  });

  const params = fc.record({
    pInit: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    pLearn: fc.double({ min: 0, max: 1, noNaN: true }),
    pGuess: fc.double({ min: 0.01, max: 0.49, noNaN: true }),
    pSlip: fc.double({ min: 0.01, max: 0.49, noNaN: true }),
    pForget: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it("keeps predictions between pGuess and 1 − pSlip, and a right answer never lowers mastery below a wrong one", () => {
    fc.assert(
      fc.property(params, fc.array(fc.boolean(), { maxLength: 30 }), (p: BktParams, prefix) => {
        for (const prediction of bktTrace(p, prefix).predictions) {
          expect(prediction).toBeGreaterThanOrEqual(p.pGuess - 1e-12);
          expect(prediction).toBeLessThanOrEqual(1 - p.pSlip + 1e-12);
        }
        expect(bktTrace(p, [...prefix, true]).mastery).toBeGreaterThanOrEqual(bktTrace(p, [...prefix, false]).mastery - 1e-12);
      }),
    );
  });
});

describe("masteryCeiling", () => {
  it("flags a skill whose forgetting outweighs its evidence: the ceiling is below the threshold (hand-checked)", () => {
    // c/g = 0.6/0.4 = 1.5, T = 0.1 + 0.7x; x = 1.5T / (1 + 0.5T) ⇔ 0.35x² = 0.15 ⇔ x = √(3/7) = 0.654654.
    const weak: BktParams = { pInit: 0.3, pLearn: 0.1, pGuess: 0.4, pSlip: 0.4, pForget: 0.2 };
    expect(masteryCeiling(weak)).toBeCloseTo(Math.sqrt(3 / 7), 9);
    expect(canReachMastery(weak)).toBe(false);
    // However long the run of right answers, the posterior stays under that ceiling.
    expect(bktTrace(weak, Array<boolean>(500).fill(true)).mastery).toBeLessThanOrEqual(Math.sqrt(3 / 7) + 1e-9);
  });

  it("does not flag a skill that can reach mastery (hand-checked)", () => {
    // Defaults with pForget 0.05: c/g = 4.5, T = 0.1 + 0.85x; 2.975x² − 2.475x − 0.45 = 0 ⇒ x = 0.985430.
    expect(masteryCeiling({ ...DEFAULT_BKT_PARAMS, pForget: 0.05 })).toBeCloseTo(0.98543, 5);
    expect(canReachMastery({ ...DEFAULT_BKT_PARAMS, pForget: 0.05 })).toBe(true);
    // Without forgetting, enough right answers take anyone to (nearly) certainty.
    expect(masteryCeiling(DEFAULT_BKT_PARAMS)).toBeCloseTo(1, 9);
  });

  it("counts the first posterior when it is the highest (a high prior decaying towards a lower fixed point)", () => {
    // pInit 0.99: after one right answer 0.99·0.6 / (0.594 + 0.004) = 0.993311, above the fixed point √(3/7).
    const p: BktParams = { pInit: 0.99, pLearn: 0.1, pGuess: 0.4, pSlip: 0.4, pForget: 0.2 };
    expect(masteryCeiling(p)).toBeCloseTo(0.594 / 0.598, 9);
  });
});

describe("bktParamsOf", () => {
  it("fills a field a stored row lacks with its default and clamps the rest into BKT_BOUNDS", () => {
    expect(bktParamsOf({ pInit: 0.2, pLearn: 0.9, pGuess: 0.7, pSlip: "x" })).toEqual({
      pInit: 0.2,
      pLearn: 0.5,
      pGuess: 0.499,
      pSlip: DEFAULT_BKT_PARAMS.pSlip,
      pForget: 0,
    });
  });
});

/** Sequences drawn from the BKT generative model itself. */
function simulate(p: BktParams, learners: number, length: number, seed: number): boolean[][] {
  const random = seededRandom(seed);
  return Array.from({ length: learners }, () => {
    let mastered = random() < p.pInit;
    return Array.from({ length }, () => {
      const correct = mastered ? random() >= p.pSlip : random() < p.pGuess;
      mastered = mastered ? random() >= p.pForget : random() < p.pLearn;
      return correct;
    });
  });
}

/** log P(responses) under params, from the one-step-ahead predictions (the chain rule). */
const logLikelihood = (p: BktParams, sequences: boolean[][]) =>
  sequences.reduce((sum, s) => sum + bktTrace(p, s).predictions.reduce((acc, q, t) => acc + Math.log(s[t] ? q : 1 - q), 0), 0);

describe("fitBkt", () => {
  const truth: BktParams = { pInit: 0.25, pLearn: 0.15, pGuess: 0.2, pSlip: 0.1, pForget: 0 };
  const data = simulate(truth, 400, 15, 42);

  it("recovers the generating parameters and reports the likelihood of what it returns", () => {
    const fit = fitBkt(data, { forgetting: false });
    expect(fit.params.pInit).toBeCloseTo(truth.pInit, 1);
    expect(fit.params.pLearn).toBeCloseTo(truth.pLearn, 1);
    expect(fit.params.pGuess).toBeCloseTo(truth.pGuess, 1);
    expect(fit.params.pSlip).toBeCloseTo(truth.pSlip, 1);
    expect(fit.params.pForget).toBe(0);
    expect(fit.responses).toBe(6000);
    expect(fit.logLikelihood).toBeCloseTo(logLikelihood(fit.params, data), 6);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(logLikelihood(truth, data));
  });

  it("fits forgetting when the data forget", () => {
    const forgetful = simulate({ ...truth, pLearn: 0.3, pForget: 0.15 }, 400, 20, 7);
    const fit = fitBkt(forgetful, { forgetting: true });
    expect(fit.params.pForget).toBeGreaterThan(0.05);
    expect(fit.logLikelihood).toBeGreaterThan(fitBkt(forgetful, { forgetting: false }).logLikelihood);
  });

  it("is deterministic for a seed and returns the defaults without data", () => {
    expect(fitBkt(data.slice(0, 50), { seed: 3 })).toEqual(fitBkt(data.slice(0, 50), { seed: 3 }));
    expect(fitBkt([[], []]).params).toEqual(DEFAULT_BKT_PARAMS);
  });

  it("keeps every parameter within BKT_BOUNDS whatever the data", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (sequences, forgetting) => {
          const { params } = fitBkt(sequences, { forgetting, restarts: 2, maxIterations: 30 });
          for (const key of Object.keys(BKT_BOUNDS) as (keyof BktParams)[]) {
            const [low, high] = BKT_BOUNDS[key];
            expect(params[key]).toBeGreaterThanOrEqual(low);
            expect(params[key]).toBeLessThanOrEqual(high);
          }
          expect(params.pGuess).toBeLessThan(0.5);
          expect(params.pSlip).toBeLessThan(0.5);
          expect(params.pLearn + params.pForget).toBeLessThan(1);
          if (!forgetting) expect(params.pForget).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("holds learn and forget at their bounds on answers that flip every time", () => {
    // Right, wrong, right, …: unbounded EM explains this as learning and forgetting at every step
    // (pLearn, pForget → 1), a chain that flips state each response and says nothing about mastery.
    const flipping = Array.from({ length: 50 }, (_, i) => Array.from({ length: 10 }, (_, t) => (t + i) % 2 === 0));
    const { params } = fitBkt(flipping, { forgetting: true });
    expect(params.pLearn).toBeLessThanOrEqual(BKT_BOUNDS.pLearn[1]);
    expect(params.pForget).toBeLessThanOrEqual(BKT_BOUNDS.pForget[1]);
  });
});
