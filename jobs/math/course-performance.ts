import { DAY_MS, type Instant, toMs } from "../../core/domain/time";
import { median } from "./distribution";

export interface CourseEnrolmentRecord {
  startedAt: Instant | null;
  completedAt: Instant | null;
  /** The learner's latest activity in the course before the window's end. */
  lastActivityAt: Instant | null;
  /** Units completed in each module, in course order (missing trailing modules count as 0). */
  moduleUnitsCompleted: readonly number[];
  /** The learner's course score as a share 0..1 (e.g. the final exam's best attempt); null if none. */
  score?: number | null;
  /** Whether the learner passed the graded course assessment; null if not graded yet. */
  passed?: boolean | null;
}

export interface CoursePerformanceInput {
  window: { from: Instant; to: Instant };
  moduleCount: number;
  enrolments: readonly CourseEnrolmentRecord[];
}

export interface CoursePerformance {
  enrolled: number;
  /** Enrolments with activity inside the window. */
  active: number;
  completed: number;
  /** completed / enrolled; null without enrolments. */
  completionRate: number | null;
  /** passed / graded; null when nobody is graded. */
  passRate: number | null;
  /** Mean score of those with one; null when nobody has one. */
  averageScore: number | null;
  /**
   * Per module k (course order): among learners who reached k, the share who did not reach k + 1
   * (for the last module: who did not complete the course); null when nobody reached k.
   */
  moduleDropOff: (number | null)[];
  /** Median days from startedAt to completedAt over completers; null without completers. */
  medianDaysToComplete: number | null;
}

/**
 * Course performance over one window. A learner "reached" module k when they completed a unit in
 * it or in a later module, or completed the course (modules can be skipped; reaching a later one
 * still means they got past k's start).
 */
export function coursePerformance(input: CoursePerformanceInput): CoursePerformance {
  const from = toMs(input.window.from);
  const to = toMs(input.window.to);
  const { enrolments, moduleCount } = input;
  const completed = enrolments.filter((e) => e.completedAt !== null && toMs(e.completedAt) < to);
  const graded = enrolments.filter((e) => e.passed != null);
  const scores = enrolments.flatMap((e) => (e.score == null ? [] : [e.score]));
  const furthest = enrolments.map((e) => {
    if (e.completedAt !== null && toMs(e.completedAt) < to) return moduleCount;
    let last = -1;
    e.moduleUnitsCompleted.forEach((units, k) => {
      if (units > 0) last = k;
    });
    return last;
  });
  const reached = (k: number) => furthest.filter((f) => f >= k).length;
  const moduleDropOff = Array.from({ length: moduleCount }, (_, k) => {
    const here = reached(k);
    return here ? (here - reached(k + 1)) / here : null;
  });
  const durations = completed.flatMap((e) => (e.startedAt === null ? [] : [(toMs(e.completedAt!) - toMs(e.startedAt)) / DAY_MS]));
  return {
    enrolled: enrolments.length,
    active: enrolments.filter((e) => e.lastActivityAt !== null && toMs(e.lastActivityAt) >= from && toMs(e.lastActivityAt) < to).length,
    completed: completed.length,
    completionRate: enrolments.length ? completed.length / enrolments.length : null,
    passRate: graded.length ? graded.filter((e) => e.passed).length / graded.length : null,
    averageScore: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    moduleDropOff,
    medianDaysToComplete: median(durations),
  };
}
