import type { BktParams } from "../../core/domain/mastery";

export type { BktParams };
/**
 * Bayesian Knowledge Tracing (Corbett & Anderson 1995): a two-state hidden Markov model per skill
 * (unmastered / mastered) observed through right/wrong answers. `pForget > 0` adds the forgetting
 * transition (mastered → unmastered) of Khajah et al. 2016 / pyBKT's "forgets" model, which fits
 * practice data markedly better than the no-forgetting assumption.
 */

/** Literature defaults for a skill with no fitted parameters. */
export const DEFAULT_BKT_PARAMS: Readonly<BktParams> = Object.freeze({ pInit: 0.3, pLearn: 0.1, pGuess: 0.2, pSlip: 0.1, pForget: 0 });

/**
 * The range of each parameter, closed. Guess and slip stay below 0.5 so that "mastered" is the state
 * that answers better (otherwise the two states can swap and the fit is not identifiable); learn and
 * forget stay apart from 1 so that pLearn + pForget < 1: the chain then moves towards its steady
 * state instead of flipping state every step (a likelihood EM reaches on ASSISTments for a few
 * small skills, with pLearn ≈ pForget ≈ 1, which explains nothing). A tenth of the fitted
 * ASSISTments skills have pLearn above 0.5 before clamping and pForget's 90th percentile is 0.075.
 */
export const BKT_BOUNDS: Readonly<Record<keyof BktParams, readonly [number, number]>> = Object.freeze({
  pInit: [0.001, 0.999],
  pLearn: [0.001, 0.5],
  pGuess: [0.001, 0.499],
  pSlip: [0.001, 0.499],
  pForget: [0, 0.2],
});

/** The usual mastery threshold of BKT-driven tutors (Corbett & Anderson). */
export const MASTERY_THRESHOLD = 0.95;

const clamp = (value: number, [low, high]: readonly [number, number]) => Math.min(high, Math.max(low, value));

/**
 * Parameters as stored (JSON of any age) made usable: a missing or non-numeric field takes its
 * default, every field is clamped into `BKT_BOUNDS`.
 */
export function bktParamsOf(stored: Partial<Record<keyof BktParams, unknown>>): BktParams {
  const field = (key: keyof BktParams) => {
    const value = stored[key];
    return clamp(typeof value === "number" && Number.isFinite(value) ? value : DEFAULT_BKT_PARAMS[key], BKT_BOUNDS[key]);
  };
  return { pInit: field("pInit"), pLearn: field("pLearn"), pGuess: field("pGuess"), pSlip: field("pSlip"), pForget: field("pForget") };
}

/**
 * The highest P(mastered) any answer sequence can lead to, for a learner of average ability
 * answering the skill without interruption. Right answers raise the posterior most, and both the
 * Bayes update and the transition are increasing in P(mastered) (pLearn + pForget < 1), so the
 * all-right sequence gives the supremum: its posteriors are monotone and tend to the fixed point x
 * of x = T·c / (T·c + (1 − T)·g) with T = x(1 − pForget) + (1 − x)·pLearn, c = 1 − pSlip, g = pGuess.
 * With forgetting strong against weak evidence (c/g near 1) that fixed point can sit below the
 * mastery threshold: no learner can ever be shown to have mastered such a skill.
 */
export function masteryCeiling(params: BktParams): number {
  const { pInit, pLearn, pGuess, pSlip, pForget } = params;
  let prior = pInit;
  let previous = Number.NaN;
  let best = 0;
  for (let step = 0; step < 100_000; step++) {
    const posterior = (prior * (1 - pSlip)) / (prior * (1 - pSlip) + (1 - prior) * pGuess);
    best = Math.max(best, posterior);
    if (Math.abs(posterior - previous) < 1e-13) break;
    previous = posterior;
    prior = posterior * (1 - pForget) + (1 - posterior) * pLearn;
  }
  return best;
}

/** Whether a learner can ever reach `threshold` on a skill with these parameters (see `masteryCeiling`). */
export const canReachMastery = (params: BktParams, threshold = MASTERY_THRESHOLD) => masteryCeiling(params) >= threshold;

export interface BktTrace {
  /** P(correct) of each response predicted from the responses before it. */
  predictions: number[];
  /** P(mastered | all responses), after the last response (pInit when there is none). */
  mastery: number;
  /** P(correct) predicted for the next, not yet seen response. */
  nextCorrect: number;
}

/**
 * Forward pass (filtering). For each response t: P(correct_t) = L·(1 − pSlip) + (1 − L)·pGuess with
 * L = P(mastered) before it; then the Bayes update L' = L(1−pSlip)/P(correct) or L·pSlip/P(wrong),
 * and the transition L ← L'(1 − pForget) + (1 − L')·pLearn before the next response.
 */
export function bktTrace(params: BktParams, responses: readonly boolean[]): BktTrace {
  const { pInit, pLearn, pGuess, pSlip, pForget } = params;
  const predictions = new Array<number>(responses.length);
  let prior = pInit;
  let posterior = pInit;
  for (let t = 0; t < responses.length; t++) {
    const pCorrect = prior * (1 - pSlip) + (1 - prior) * pGuess;
    predictions[t] = pCorrect;
    // P(wrong) summed directly: 1 − pCorrect cancels catastrophically once prior rounds to 1, and
    // the posterior then leaves [0, 1] (ASSISTments has runs of 170 right answers before a wrong one).
    posterior = responses[t] ? (prior * (1 - pSlip)) / pCorrect : (prior * pSlip) / (prior * pSlip + (1 - prior) * (1 - pGuess));
    prior = posterior * (1 - pForget) + (1 - posterior) * pLearn;
  }
  return { predictions, mastery: posterior, nextCorrect: prior * (1 - pSlip) + (1 - prior) * pGuess };
}
