import type { DemoUser } from "../demo/roster";
import { DAY_MS } from "./calendar";
import { courseDef } from "./catalog";
import { simulateJourney, TERM_DAYS } from "./journey";
import type { Archetype } from "./people";
import { population } from "./population";

/**
 * What the simulator is designed to do with each enrolment: the check against which an at-risk
 * model's flags on the demo are judged. An enrolment still open today is followed past today to
 * the close of its course's schedule (the exam's due day; the simulation replays the term exactly
 * and goes on): it either completes by then, or it does not — because the learner drifts away
 * (the `drifting` archetype, whose engagement decays and who may quit), or because the learner
 * is too slow (mostly `struggling`, or a late start).
 */

export const DESIGNED_OUTCOMES = [
  "completed",
  "withdrawn",
  "completes",
  "at risk (drifting/quitting)",
  "at risk (too slow to finish by the close)",
] as const;
export type DesignedOutcome = (typeof DESIGNED_OUTCOMES)[number];

export interface DesignedEnrolment {
  learnerId: string;
  email: string;
  courseId: string;
  courseCode: string;
  archetype: Archetype;
  /** The enrolment's status today, as courseBuilder reports it. */
  status: "not_started" | "in_progress" | "completed" | "withdrawn";
  outcome: DesignedOutcome;
}

/** Every enrolment of an organisation's learners (in roster order) and its designed outcome, for the term ending at `today`. */
export function designedOutcomes(organizationId: string, today: number): DesignedEnrolment[] {
  const found: DesignedEnrolment[] = [];
  for (const user of population.membersOf(organizationId)) {
    if (user.role !== "learner") continue;
    found.push(...outcomesOf(user, today));
  }
  return found;
}

function outcomesOf(user: DemoUser, today: number): DesignedEnrolment[] {
  const closes = population.enrolmentsOf(user.id).map((e) => courseDef(e.courseId).closeDay);
  const journey = simulateJourney(user, today, Math.max(TERM_DAYS, ...closes.map((day) => day + 1)));
  const termStart = today - TERM_DAYS * DAY_MS;
  const archetype = journey.traits?.archetype ?? "steady";
  return journey.tracks.map((track) => {
    const before = (at: number | null, limit: number) => at !== null && at < limit;
    const status = before(track.completedAt, today)
      ? "completed"
      : before(track.withdrawnAt, today)
        ? "withdrawn"
        : before(track.startedAt, today)
          ? "in_progress"
          : "not_started";
    const closesAt = termStart + track.def.closeDay * DAY_MS;
    const outcome: DesignedOutcome =
      status === "completed" || status === "withdrawn"
        ? status
        : before(track.completedAt, closesAt)
          ? "completes"
          : archetype === "drifting"
            ? "at risk (drifting/quitting)"
            : "at risk (too slow to finish by the close)";
    return {
      learnerId: user.id,
      email: user.email,
      courseId: track.def.course.id,
      courseCode: track.def.course.code,
      archetype,
      status,
      outcome,
    };
  });
}

export interface OutcomeCounts {
  /** Learners with at least one enrolment. */
  learners: number;
  /** Learners with at least one enrolment designed to be at risk. */
  learnersAtRisk: number;
  /** Learners with at least one enrolment at risk because they drift away. */
  learnersDrifting: number;
  /** Enrolments by designed outcome. */
  enrolments: Record<DesignedOutcome, number>;
  /** Enrolments in progress today, and those of them designed to be at risk. */
  inProgress: number;
  inProgressAtRisk: number;
  /** Enrolments not started today. */
  notStarted: number;
}

export const isAtRisk = (outcome: DesignedOutcome): boolean => outcome.startsWith("at risk");

/** Counts of learners and enrolments by designed outcome. */
export function countOutcomes(rows: readonly DesignedEnrolment[]): OutcomeCounts {
  const enrolments = Object.fromEntries(DESIGNED_OUTCOMES.map((o) => [o, 0])) as Record<DesignedOutcome, number>;
  for (const row of rows) enrolments[row.outcome] += 1;
  const learnersWith = (keep: (row: DesignedEnrolment) => boolean) => new Set(rows.filter(keep).map((r) => r.learnerId)).size;
  const inProgress = rows.filter((r) => r.status === "in_progress");
  return {
    learners: learnersWith(() => true),
    learnersAtRisk: learnersWith((r) => isAtRisk(r.outcome)),
    learnersDrifting: learnersWith((r) => r.outcome === "at risk (drifting/quitting)"),
    enrolments,
    inProgress: inProgress.length,
    inProgressAtRisk: inProgress.filter((r) => isAtRisk(r.outcome)).length,
    notStarted: rows.filter((r) => r.status === "not_started").length,
  };
}
