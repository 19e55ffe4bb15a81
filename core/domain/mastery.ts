/**
 * One skill's knowledge-tracing parameters, as the nightly fit stores them in `skill_models.params`
 * (JSON). Every field has had this meaning since the first stored row; rows from before `pForget`
 * existed, or with a field out of today's bounds, are read through `bktParamsOf` (jobs/math/bkt.ts),
 * which fills a missing field with its default and clamps the rest into `BKT_BOUNDS`.
 */
export interface BktParams {
  /** P(mastered) before the first response, for a learner of average ability. */
  pInit: number;
  /** P(unmastered → mastered) after a response to the skill (practice), for average ability. */
  pLearn: number;
  /** P(correct | unmastered), for average ability. */
  pGuess: number;
  /** P(wrong | mastered), for average ability. */
  pSlip: number;
  /** P(mastered → unmastered) from one response to the skill to the next; 0 is standard BKT. */
  pForget: number;
}
