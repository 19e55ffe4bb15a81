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

/** The usual mastery threshold of BKT-driven tutors (Corbett & Anderson). */
export const MASTERY_THRESHOLD = 0.95;

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
    posterior = responses[t] ? (prior * (1 - pSlip)) / pCorrect : (prior * pSlip) / (1 - pCorrect);
    prior = posterior * (1 - pForget) + (1 - posterior) * pLearn;
  }
  return { predictions, mastery: posterior, nextCorrect: prior * (1 - pSlip) + (1 - prior) * pGuess };
}
