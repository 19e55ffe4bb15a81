import { type BktParams, bktParamsOf } from "./bkt";

/**
 * Knowledge tracing of one learner across all their skills: per skill, BKT with forgetting (the
 * parameters the nightly fit refits per skill), extended as in Khajah, Lindsey & Mozer 2016 ("How
 * deep is knowledge tracing?") by
 *
 * - forgetting that grows with the trials of other skills between two responses to a skill: the
 *   mastered state survives from one response to the next with probability
 *   (1 − pForget)^(1 + ω·g), g the learner's responses to other skills in between;
 * - a learner ability a (logits), estimated online from all the learner's earlier responses, that
 *   shifts every probability of the skill's model by β·a on the logit scale: pInit, pLearn,
 *   pGuess and 1 − pSlip. A skill's parameters describe the average learner (a = 0); since one
 *   shift moves guess and not-slip alike, "mastered" stays the better-answering state.
 *
 * The ability estimate is a one-dimensional extended Kalman filter on the Bernoulli responses:
 * prior N(0, 1/τ); after each response with prediction p the precision grows by d²/(p(1 − p)) and
 * the mean moves by d(y − p)/(p(1 − p)·precision), d = ∂p/∂a. Between responses the precision
 * relaxes towards τ by the factor λ, so the estimate follows a learner whose form drifts.
 */
export interface LearnerTraceSettings {
  /** β: logit shift per unit of ability. */
  abilityWeight: number;
  /** τ: precision of the ability prior (1 / variance, in logits⁻²). */
  abilityPrecision: number;
  /** λ: share of the ability's precision kept from one response to the next; 1 − λ returns to the prior. */
  abilityMemory: number;
  /** Ability is kept within ±this many logits. */
  maxAbility: number;
  /** ω: forgetting exposure of one intervening trial of another skill, relative to a trial of the skill. */
  interveningForgetting: number;
}

/**
 * Defaults of the global settings, fitted offline on ASSISTments 2009 train.csv by
 * `npx tsx eval/mastery-settings.ts` (2-fold cross-fitting over students: the skills fitted on one
 * half, the settings scored by the log-likelihood of the other half's responses; test.csv unseen).
 * ω cannot be fitted there: no ASSISTments student returns to a skill after working on another, so
 * every gap g is 0. Its default is an assumption: ten responses to other skills expose a mastered
 * skill to forgetting as much as one response to the skill itself.
 */
export const LEARNER_TRACE_DEFAULTS: Readonly<LearnerTraceSettings> = Object.freeze({
  abilityWeight: 2,
  abilityPrecision: 10,
  abilityMemory: 0.99,
  maxAbility: 4,
  interveningForgetting: 0.1,
});

/** One response of the learner, in the order given (time order). */
export interface TracedAnswer {
  skillId: string;
  correct: boolean;
}

export interface SkillState {
  /** P(mastered) now: after the skill's last response, decayed by the other skills' responses since. */
  mastery: number;
  responses: number;
}

export interface LearnerTrace {
  /** P(correct) of each answer predicted from the answers before it (all skills). */
  predictions: number[];
  skills: Map<string, SkillState>;
  /** The learner's ability after the last answer (logits; 0 is average). */
  ability: number;
}

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Traces a learner's answers in time order. `paramsOf` gives a skill's stored parameters (any age:
 * read through `bktParamsOf`). Pure and linear in the number of answers.
 */
export function traceLearner(
  answers: readonly TracedAnswer[],
  paramsOf: (skillId: string) => Partial<BktParams>,
  settings: LearnerTraceSettings = LEARNER_TRACE_DEFAULTS,
): LearnerTrace {
  const { abilityWeight: beta, abilityPrecision: tau, abilityMemory: lambda, maxAbility, interveningForgetting: omega } = settings;
  const skills = new Map<string, { params: BktParams; posterior: number; last: number; responses: number }>();
  const predictions = new Array<number>(answers.length);
  let ability = 0;
  let precision = tau;
  answers.forEach(({ skillId, correct }, t) => {
    const seen = skills.get(skillId);
    const params = seen?.params ?? bktParamsOf(paramsOf(skillId));
    const shift = beta * ability;
    const prior = seen
      ? seen.posterior * (1 - params.pForget) ** (1 + omega * (t - seen.last - 1)) +
        (1 - seen.posterior) * sigmoid(logit(params.pLearn) + shift)
      : sigmoid(logit(params.pInit) + shift);
    const guess = sigmoid(logit(params.pGuess) + shift);
    const know = sigmoid(logit(1 - params.pSlip) + shift);
    const p = prior * know + (1 - prior) * guess;
    predictions[t] = p;
    // P(wrong) summed directly, not as 1 − p (which cancels once prior rounds to 1).
    const posterior = correct ? (prior * know) / p : (prior * (1 - know)) / (prior * (1 - know) + (1 - prior) * (1 - guess));
    skills.set(skillId, { params, posterior, last: t, responses: (seen?.responses ?? 0) + 1 });

    const slope = beta * (prior * know * (1 - know) + (1 - prior) * guess * (1 - guess));
    const variance = p * (1 - p);
    precision = lambda * precision + (1 - lambda) * tau + (slope * slope) / variance;
    ability = Math.min(maxAbility, Math.max(-maxAbility, ability + (slope * ((correct ? 1 : 0) - p)) / variance / precision));
  });
  const end = answers.length;
  return {
    predictions,
    skills: new Map(
      [...skills].map(([skillId, s]) => [
        skillId,
        { mastery: s.posterior * (1 - s.params.pForget) ** (omega * (end - s.last - 1)), responses: s.responses },
      ]),
    ),
    ability,
  };
}
