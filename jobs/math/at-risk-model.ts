import type { AtRiskModel } from "./at-risk";
import fitted from "./models/at-risk.json";

/**
 * The at-risk model the pipeline uses before an organisation has data of its own: fitted by
 * `npm run eval` on OULAD 2013J through the pipeline's own mapping (jobs/analyze/course-risk.ts),
 * one stage per month of the course, its settings chosen by cross-validation within 2013J
 * (evaluated on 2014J in docs/eval.json).
 */
export const DEFAULT_AT_RISK_MODEL = fitted as AtRiskModel;

/**
 * The probability from which an enrolment is flagged "at_risk". Chosen by `npm run eval` on 2013J
 * alone (out-of-fold predictions at day 60) for a flag a trainer can act on: the lowest threshold
 * at which at least 60 % of the flagged learners do fail (precision ≥ 0.6), i.e. the most failing
 * learners found while most flags are right. Its precision, recall and flag rate on 2014J are in
 * docs/eval.json.
 */
export const AT_RISK_THRESHOLD: number = fitted.threshold;
