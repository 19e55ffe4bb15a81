import type { ENROLMENT_STATUSES } from "../../collect/contracts/courseBuilder";
import { legacyFactorText } from "./factor-labels";

type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];
export type RiskStatus = "at_risk" | "not_at_risk" | "withdrawn" | "completed";

export const ENROLMENT_STATUS_LABELS: Record<EnrolmentStatus, string> = {
  not_started: "Not started",
  in_progress: "In progress",
  completed: "Completed",
  withdrawn: "Withdrawn",
};

export const RISK_STATUS_LABELS: Record<RiskStatus, string> = {
  at_risk: "At risk",
  not_at_risk: "Not at risk",
  withdrawn: "Withdrawn",
  completed: "Completed",
};

/** An enrolment status as read, or the code itself for a status this build does not know. */
export const enrolmentStatusLabel = (status: string) =>
  Object.hasOwn(ENROLMENT_STATUS_LABELS, status) ? ENROLMENT_STATUS_LABELS[status as EnrolmentStatus] : status;

/**
 * A course entry's risk as stored by the analyze step (`courseRisk`): its status, the probability
 * (null for withdrawn and completed enrolments) and the factors that raise it, each with a label
 * and its value as read. Rows analysed before statuses and labels were stored have only the
 * probability and the factors' code names; they are read too (see `enrolmentRisk`).
 */
interface StoredRisk {
  status?: RiskStatus;
  probability: number | null;
  factors: { feature: string; label?: string; value: number | null; display?: string; contribution: number }[];
}

/** Rows analysed before statuses were stored were flagged from this probability (the aggregates' cut then). */
const LEGACY_FLAG = 0.5;

export interface EnrolmentRisk {
  status: RiskStatus;
  /** Null for withdrawn and completed enrolments: they are not scored. */
  probability: number | null;
  /** The feature names of the factors raising the risk, largest first (for machines). */
  codes: string[];
  /** The same factors for people ("Missed the last assessment; No activity for 16 days"). */
  text: string;
}

/** A factor as a fact: its label completed by its value ("No activity for 16 days", "Average score 42 %"); a flag by its label alone. */
const factorText = (f: { label: string; display: string }) =>
  f.display === "" || f.display === "yes" ? f.label : `${f.label} ${f.display}`;

/** An enrolment's risk for a report: its status, probability and the factors raising it, labelled. */
export function enrolmentRisk(entry: { status: string; atRisk: StoredRisk }): EnrolmentRisk {
  const stored = entry.atRisk;
  const closed = entry.status === "withdrawn" || entry.status === "completed" ? entry.status : null;
  const status: RiskStatus =
    stored.status ?? closed ?? (stored.probability !== null && stored.probability >= LEGACY_FLAG ? "at_risk" : "not_at_risk");
  if (status === "withdrawn" || status === "completed") return { status, probability: null, codes: [], text: "" };
  const factors = stored.factors
    .filter((f) => f.contribution > 0)
    .map((f) => {
      const legacy = legacyFactorText(f.feature, f.value);
      return { feature: f.feature, label: f.label ?? legacy.label, display: f.display ?? legacy.display };
    });
  return {
    status,
    probability: stored.probability,
    codes: factors.map((f) => f.feature),
    text: factors.map(factorText).join("; "),
  };
}
