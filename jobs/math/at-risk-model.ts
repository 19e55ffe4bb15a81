import type { AtRiskModel } from "./at-risk";
import fitted from "./models/at-risk.json";

/**
 * The at-risk model the pipeline uses before an organisation has data of its own: fitted by
 * `npm run eval` on OULAD 2013J, one stage per month of the course (evaluated on 2014J in docs/eval.json).
 */
export const DEFAULT_AT_RISK_MODEL = fitted as AtRiskModel;
