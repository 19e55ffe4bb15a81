import type { CourseOffering } from "../../jobs/collect/contracts";
import type { DemoUser } from "../demo/roster";
import type { Archetype } from "./people";
import { population } from "./population";
import { createRandom } from "./random";

/**
 * What came before this term: the outcomes of a course's earlier offerings, and a learner's
 * earlier attempts at a course (contract version 2). Neither changes what happens in the term;
 * both are drawn to agree with it: harder courses failed more often before, and struggling
 * learners are more often back for another try.
 */

/** The labels of the earlier offerings, oldest first; a course had the last two to four of them. */
const OFFERINGS = ["2024 spring", "2024 autumn", "2025 spring", "2025 autumn"];
/** The smallest earlier cohort: a course with one enrolment now (Globex onboarding) still ran for a few. */
const MIN_COHORT = 6;

/** Shares of the learners of earlier offerings who failed and who withdrew. */
export interface PastOutcomes {
  failed: number;
  withdrawn: number;
}

/** Two to four earlier offerings, each about as large as the current cohort, fixed by the course id. */
export function courseHistory(courseId: string, past: PastOutcomes): CourseOffering[] {
  const random = createRandom(`history:${courseId}`);
  const offerings = OFFERINGS.slice(-random.int(2, OFFERINGS.length));
  const cohort = population.enrolmentsIn(courseId).length;
  return offerings.map((offering) => {
    const learners = Math.max(MIN_COHORT, Math.round(cohort * random.between(0.7, 1.3)));
    const failed = Math.min(learners, Math.round(learners * past.failed * random.between(0.75, 1.25)));
    const withdrawn = Math.min(learners - failed, Math.round(learners * past.withdrawn * random.between(0.75, 1.25)));
    return { offering, learners, completed: learners - failed - withdrawn, failed, withdrawn };
  });
}

/** Chances of having no earlier attempt, and of at most one, by archetype; the rest had two. */
const EARLIER_ATTEMPTS: Record<Archetype, [none: number, atMostOne: number]> = {
  strong: [0.96, 0.995],
  steady: [0.9, 0.98],
  struggling: [0.6, 0.88],
  drifting: [0.75, 0.94],
};

/** Earlier enrolments of a learner in a course that did not complete, fixed by learner and course. */
export function previousAttempts(user: DemoUser, archetype: Archetype, courseId: string): number {
  const [none, atMostOne] = EARLIER_ATTEMPTS[archetype];
  const roll = createRandom(`previous:${user.id}:${courseId}`).next();
  return roll < none ? 0 : roll < atMostOne ? 1 : 2;
}
