import { mkdirSync, writeFileSync } from "node:fs";
import { MASTERY_THRESHOLD } from "../jobs/math/bkt";
import { evaluateAtRisk, FLAG_PRECISION, REPORT_DAYS } from "./at-risk";
import { atRiskLines, fairnessJson } from "./at-risk-report";
import { evaluateMastery } from "./mastery";

/**
 * `npm run eval`: the project's analytics on the public data sets in ../shared/data (protocols in
 * its README). Writes docs/eval.json and the default at-risk model; exits non-zero when a target
 * is missed.
 */

const DATA = new URL("../../shared/data/", import.meta.url);
const EVAL_JSON = new URL("../docs/eval.json", import.meta.url);
const MODEL_JSON = new URL("../jobs/math/models/at-risk.json", import.meta.url);

const TARGETS = { masteryAuc: 0.84, atRiskAuc: { 60: 0.8, 120: 0.85 }, ece: 0.05 } as const;

const round = (value: number) => Number(value.toFixed(4));
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

const started = performance.now();
let t = performance.now();
const masteryEval = evaluateMastery(new URL("assistments-2009-builder/", DATA));
const mastery = masteryEval.learner;
const masterySeconds = seconds(t);
t = performance.now();
const atRisk = evaluateAtRisk(new URL("oulad-j/", DATA));
const atRiskSeconds = seconds(t);

const f = (value: number) => value.toFixed(4);
const lines = [
  `Mastery — ASSISTments 2009 skill builder, ${masteryEval.skills} skills fitted on train.csv, ${masteryEval.testResponses} test responses (${masteryEval.unseenSkills} unseen skills → pooled parameters)   [${masterySeconds} s]`,
  `  learner trace: BKT + forgetting across trials + learner ability (reported)   AUC ${f(mastery.auc)}  RMSE ${f(mastery.rmse)}   target AUC ≥ ${TARGETS.masteryAuc}`,
  `  BKT with forgetting, same skill only (reference)                           AUC ${f(masteryEval.forgetting.auc)}  RMSE ${f(masteryEval.forgetting.rmse)}`,
  `  standard BKT, same skill only (reference)                                  AUC ${f(masteryEval.standard.auc)}  RMSE ${f(masteryEval.standard.rmse)}`,
  `  nightly fit per skill: median ${masteryEval.fitMs.median.toFixed(0)} ms, 90th percentile ${masteryEval.fitMs.p90.toFixed(0)} ms, largest ${masteryEval.fitMs.max.toFixed(0)} ms; ${masteryEval.unreachableSkills} of ${masteryEval.skills} skills can never reach mastery ${MASTERY_THRESHOLD} (flagged)`,
  ``,
  ...atRiskLines(atRisk, TARGETS, atRiskSeconds),
  ``,
  `Total ${seconds(started)} s`,
];
console.log(lines.join("\n"));

const evalJson = {
  mastery: { auc: round(mastery.auc), rmse: round(mastery.rmse) },
  atRisk: Object.fromEntries(
    REPORT_DAYS.map((day) => {
      const r = atRisk.results[day];
      return [`day${day}`, { auc: round(r.auc), brier: round(r.brier), ece: round(r.ece), baselineAuc: round(r.baselineAuc) }];
    }),
  ),
  atRiskFlag: {
    threshold: round(atRisk.threshold),
    purpose: `lowest threshold with precision ≥ ${FLAG_PRECISION} on 2013J (out-of-fold, day 60)`,
    ...Object.fromEntries(
      REPORT_DAYS.map((day) => {
        const { precision, recall, flagRate } = atRisk.results[day].flags;
        return [`day${day}`, { precision: round(precision), recall: round(recall), flagRate: round(flagRate) }];
      }),
    ),
  },
  // The at-risk model on 2014J at day 60 (day 120 under fairnessDay120); groups under 100 students: n only.
  fairness: fairnessJson(atRisk.fairness[60], round),
  fairnessDay120: fairnessJson(atRisk.fairness[120], round),
};
mkdirSync(new URL(".", EVAL_JSON), { recursive: true });
writeFileSync(EVAL_JSON, `${JSON.stringify(evalJson, null, 2)}\n`);
mkdirSync(new URL(".", MODEL_JSON), { recursive: true });
writeFileSync(MODEL_JSON, `${JSON.stringify(atRisk.model, null, 2)}\n`);

const missed = [
  mastery.auc < TARGETS.masteryAuc && "mastery AUC",
  ...REPORT_DAYS.flatMap((day) => [
    atRisk.results[day].auc < TARGETS.atRiskAuc[day] && `at-risk AUC day ${day}`,
    atRisk.results[day].ece > TARGETS.ece && `at-risk ECE day ${day}`,
  ]),
].filter(Boolean);
if (missed.length) {
  console.error(`Targets missed: ${missed.join(", ")}`);
  process.exitCode = 1;
}
