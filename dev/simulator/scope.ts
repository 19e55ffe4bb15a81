import type { ScopeType } from "../../jobs/collect/contracts";
import type { DemoUser } from "../demo/roster";
import { type CourseDef, courseDef } from "./catalog";
import { population } from "./population";

/** Who and what a request's scope covers. */
export interface ScopeSubjects {
  organizationId: string;
  /** People whose records are in scope: the user, a course's enrolled learners, or the whole organisation. */
  people: DemoUser[];
  /** People the directory lists: `people`, plus a course's trainers. */
  listed: DemoUser[];
  courses: CourseDef[];
  /** In a course scope, only records of this course count. */
  courseId: string | null;
}

/** The subjects of a scope, or null when the id names nothing the demo knows. */
export function resolveScope(type: ScopeType, id: string): ScopeSubjects | null {
  if (type === "user") {
    const user = population.user(id);
    if (!user) return null;
    const enrolled = new Set(population.enrolmentsOf(id).map((e) => e.courseId));
    const courses = population
      .coursesOf(user.organizationId)
      .filter((c) => enrolled.has(c.id) || c.trainerIds.includes(id))
      .map((c) => courseDef(c.id));
    return { organizationId: user.organizationId, people: [user], listed: [user], courses, courseId: null };
  }
  if (type === "course") {
    const course = population.course(id);
    if (!course) return null;
    const learners = population.enrolmentsIn(id).flatMap((e) => population.user(e.userId) ?? []);
    const trainers = course.trainerIds.flatMap((t) => population.user(t) ?? []);
    return {
      organizationId: course.organizationId,
      people: learners,
      listed: [...learners, ...trainers],
      courses: [courseDef(id)],
      courseId: id,
    };
  }
  if (!population.organization(id)) return null;
  const people = population.membersOf(id);
  const courses = population.coursesOf(id).map((c) => courseDef(c.id));
  return { organizationId: id, people, listed: people, courses, courseId: null };
}
