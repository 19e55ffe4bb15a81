import type { ScopeType } from "../../jobs/collect/contracts";
import { type DemoUser, roster } from "../demo/roster";
import { type CourseDef, courseDef } from "./catalog";

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

const usersById = new Map(roster.users.map((u) => [u.id, u] as const));

/** The subjects of a scope, or null when the id names nothing the demo knows. */
export function resolveScope(type: ScopeType, id: string): ScopeSubjects | null {
  if (type === "user") {
    const user = usersById.get(id);
    if (!user) return null;
    const enrolled = new Set(roster.enrolments.filter((e) => e.userId === id).map((e) => e.courseId));
    const courses = roster.courses.filter((c) => enrolled.has(c.id) || c.trainerIds.includes(id)).map((c) => courseDef(c.id));
    return { organizationId: user.organizationId, people: [user], listed: [user], courses, courseId: null };
  }
  if (type === "course") {
    const course = roster.courses.find((c) => c.id === id);
    if (!course) return null;
    const learners = roster.enrolments.filter((e) => e.courseId === id).map((e) => usersById.get(e.userId)!);
    const trainers = course.trainerIds.map((t) => usersById.get(t)!);
    return {
      organizationId: course.organizationId,
      people: learners,
      listed: [...learners, ...trainers],
      courses: [courseDef(id)],
      courseId: id,
    };
  }
  const organization = roster.organizations.find((o) => o.id === id);
  if (!organization) return null;
  const people = roster.users.filter((u) => u.organizationId === id);
  const courses = roster.courses.filter((c) => c.organizationId === id).map((c) => courseDef(c.id));
  return { organizationId: id, people, listed: people, courses, courseId: null };
}
