export interface BktParams {
  /** P(mastered) before the first response. */
  pInit: number;
  /** P(unmastered → mastered) between two responses. */
  pLearn: number;
  /** P(correct | unmastered). */
  pGuess: number;
  /** P(wrong | mastered). */
  pSlip: number;
  /** P(mastered → unmastered) between two responses; 0 is standard BKT. */
  pForget: number;
}
