import { type FactorUnit, factorTextOf } from "../../math/at-risk-factors";

/**
 * Human labels for at-risk factors stored without one: rows analysed before `courseRisk` labelled
 * its factors carry only the feature's code name. Worded as the labelled ones are, a fact that the
 * value completes ("No activity for" 10 % of the course); durations are stored as shares of the
 * course length (jobs/math/at-risk-features.ts), and without the course length read as such.
 */

const percent = (value: number) => `${Math.round(value * 100)} %`;

/** Durations were stored as shares of the course length, which these rows do not carry. */
const LEGACY_DISPLAY: Record<FactorUnit, (value: number) => string> = {
  yesNo: () => "yes",
  percent,
  days: (value) => `${percent(value)} of the course`,
  registration: (value) => `${percent(value)} of the course`,
  count: (value) => String(Math.round(value * 10) / 10),
  courses: (value) => String(Math.round(value * 10) / 10),
  points: (value) => `${value > 0 ? "+" : value < 0 ? "−" : ""}${Math.abs(Math.round(value * 100))} points`,
};

/** The label (the model's own) and value as read of a factor stored with its code name only (an unknown code is shown as is). */
export function legacyFactorText(feature: string, value: number | null): { label: string; display: string } {
  const known = factorTextOf(feature);
  if (!known) return { label: feature, display: value === null ? "" : String(value) };
  return { label: known.label, display: value === null ? "" : LEGACY_DISPLAY[known.unit](value) };
}
