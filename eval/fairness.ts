import { expectedCalibrationError, rocAuc } from "../jobs/math";
import { groupAbroca } from "../jobs/math/fairness";
import type { Demographics, OuladStudent } from "./oulad";

/** The attributes of the model card, as OULAD's studentInfo.csv names them (read by the evaluation only). */
export const FAIRNESS_ATTRIBUTES = ["gender", "age_band", "disability", "imd_band"] as const satisfies readonly (keyof Demographics)[];
/** Groups smaller than this are reported by size only: their AUC and ECE would be noise. */
export const MIN_FAIRNESS_GROUP = 100;

export type GroupFigures = { n: number; auc: number; ece: number } | { n: number };
export type AttributeReport = { groups: Record<string, GroupFigures>; abroca: number | null };

/**
 * Per attribute: each group's size, AUC and ECE (10 bins) of the probabilities, and the ABROCA —
 * for each group of at least MIN_FAIRNESS_GROUP students, the area between its ROC curve and that
 * of all other students; the largest (for a two-group attribute, the area between the two curves).
 */
export function fairnessReport(students: readonly OuladStudent[], probabilities: readonly number[]) {
  const outcomes = students.map((s) => s.failed);
  return Object.fromEntries(
    FAIRNESS_ATTRIBUTES.map((attribute) => {
      const groupOf = students.map((s) => s.demographics[attribute]);
      const groups = Object.fromEntries(
        [...new Set(groupOf)].sort().map((group) => {
          const members = groupOf.flatMap((g, i) => (g === group ? [i] : []));
          const y = members.map((i) => outcomes[i]!);
          const p = members.map((i) => probabilities[i]!);
          const figures: GroupFigures =
            members.length < MIN_FAIRNESS_GROUP
              ? { n: members.length }
              : { n: members.length, auc: rocAuc(y, p), ece: expectedCalibrationError(p, y, 10) };
          return [group, figures];
        }),
      );
      return [attribute, { groups, abroca: groupAbroca(outcomes, probabilities, groupOf, MIN_FAIRNESS_GROUP) }];
    }),
  ) as Record<(typeof FAIRNESS_ATTRIBUTES)[number], AttributeReport>;
}
