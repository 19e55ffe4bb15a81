import { type evaluateAtRisk, FLAG_PRECISION, REPORT_DAYS, type ReportDay } from "./at-risk";
import { type AttributeReport, MIN_FAIRNESS_GROUP } from "./fairness";

type AtRiskEvaluation = ReturnType<typeof evaluateAtRisk>;

const f = (value: number) => value.toFixed(4);
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;

/** The printed at-risk section of `npm run eval`: headline, flag, selection and the fairness model card. */
export function atRiskLines(
  atRisk: AtRiskEvaluation,
  targets: { atRiskAuc: Record<ReportDay, number>; ece: number },
  elapsedSeconds: string,
): string[] {
  const fairness = (day: ReportDay) =>
    Object.entries(atRisk.fairness[day]).flatMap(([attribute, report]) => [
      `    ${attribute.padEnd(11)} ABROCA ${report.abroca === null ? "n/a" : f(report.abroca)}`,
      ...Object.entries(report.groups).map(([group, g]) =>
        "auc" in g
          ? `      ${group.padEnd(9)} n ${String(g.n).padStart(5)}   AUC ${f(g.auc)}   ECE ${f(g.ece)}`
          : `      ${group.padEnd(9)} n ${String(g.n).padStart(5)}   too small (< ${MIN_FAIRNESS_GROUP})`,
      ),
    ]);
  return [
    `At-risk (Fail) — OULAD through the pipeline's mapping (jobs/analyze/course-risk.ts), fitted on 2013J (${atRisk.trainStudents} students), scored by courseRisk on 2014J (${atRisk.testStudents} students; those withdrawn by the cut-off are not scored)   [${elapsedSeconds} s]`,
    `  cut-off   n      AUC     Brier   ECE     baseline AUC   target AUC / ECE   flagged   precision   recall`,
    ...REPORT_DAYS.map((day) => {
      const r = atRisk.results[day];
      return `  day ${String(day).padEnd(5)} ${String(r.n).padEnd(6)} ${f(r.auc)}  ${f(r.brier)}  ${f(r.ece)}  ${f(r.baselineAuc)}         ≥ ${targets.atRiskAuc[day]} / ≤ ${targets.ece}      ${pct(r.flags.flagRate).padEnd(9)} ${f(r.flags.precision)}      ${f(r.flags.recall)}`;
    }),
    `  flag threshold ${f(atRisk.threshold)}: the lowest with precision ≥ ${FLAG_PRECISION} on 2013J (out-of-fold, day 60: precision ${f(atRisk.trainFlags.precision)}, recall ${f(atRisk.trainFlags.recall)}, ${pct(atRisk.trainFlags.flagRate)} flagged)`,
    `  selection (5-fold CV within 2013J, by mean out-of-fold log loss at days 60 and 120; best first):`,
    ...atRisk.selection
      .slice(0, 5)
      .map((s) => `    ${s.setting.padEnd(70)} log loss ${f(s.logLoss)}   AUC ${f(s.auc[60])} / ${f(s.auc[120])}`),
    `  fairness on 2014J (attributes read from studentInfo.csv by the evaluation only; ABROCA = largest area between a group's ROC curve and the rest's):`,
    ...REPORT_DAYS.flatMap((day) => [`   day ${day}`, ...fairness(day)]),
  ];
}

/** docs/eval.json's `fairness`: { attribute: { group: { n, auc, ece } | { n }, abroca } }. */
export function fairnessJson(report: Record<string, AttributeReport>, round: (value: number) => number) {
  return Object.fromEntries(
    Object.entries(report).map(([attribute, { groups, abroca }]) => [
      attribute,
      {
        ...Object.fromEntries(
          Object.entries(groups).map(([group, g]) => [group, "auc" in g ? { n: g.n, auc: round(g.auc), ece: round(g.ece) } : { n: g.n }]),
        ),
        abroca: abroca === null ? null : round(abroca),
      },
    ]),
  );
}
