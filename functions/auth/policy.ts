import { ProblemError } from "../../core/errors/problem";
import type { Database } from "../../db/client";
import { courseInOrganization, learnerInTrainersCourses, trainerTeachesCourse, userInOrganization } from "../../db/queries/scope";
import type { Caller } from "./access-token";

/** Something a request asks about, by id. */
export type Subject =
  | { kind: "learner"; id: string }
  | { kind: "trainer"; id: string }
  | { kind: "course"; id: string }
  | { kind: "user"; id: string };

/**
 * The scope rules, in one place: a learner sees only themself; a trainer sees themself, the
 * courses they teach and the learners enrolled in them; an admin sees their own organisation.
 * Every check is also bounded by the caller's organisation.
 */
export async function canAccess(db: Database, caller: Caller, subject: Subject): Promise<boolean> {
  const self = subject.kind !== "course" && subject.id === caller.userId;
  switch (caller.role) {
    case "learner":
      return self && subject.kind !== "trainer";
    case "trainer":
      if (subject.kind === "course") return trainerTeachesCourse(db, caller.userId, subject.id);
      if (self) return true;
      if (subject.kind === "trainer") return false;
      return (await userInOrganization(db, subject.id, caller.organizationId)) && learnerInTrainersCourses(db, caller.userId, subject.id);
    case "org_admin":
      if (subject.kind === "course") return courseInOrganization(db, subject.id, caller.organizationId);
      return userInOrganization(db, subject.id, caller.organizationId, subject.kind === "trainer" ? "trainer" : undefined);
    default:
      return false;
  }
}

const NOUNS: Record<Subject["kind"], string> = { learner: "learner", trainer: "trainer", course: "course", user: "user" };

/**
 * Throws a 404 for a subject outside the caller's scope: exactly the answer for an id that does
 * not exist, so ids cannot be probed.
 */
export async function assertCanAccess(db: Database, caller: Caller, subject: Subject): Promise<void> {
  if (!(await canAccess(db, caller, subject))) {
    throw new ProblemError(404, "not-found", `No ${NOUNS[subject.kind]} with id ${subject.id}.`);
  }
}

/**
 * A pipeline run is visible to whoever may see its subject (404 otherwise, like a missing id);
 * organisation runs to the organisation's admins; the nightly run (no subject) to no one.
 */
export async function assertCanSeeRun(
  db: Database,
  caller: Caller,
  run: { scope: string; scopeId: string | null; organizationId: string | null },
): Promise<void> {
  const hidden = new ProblemError(404, "not-found", "No run with this id.");
  if (run.organizationId !== caller.organizationId || !run.scopeId) throw hidden;
  if (run.scope === "organization") {
    if (caller.role !== "org_admin") throw hidden;
    return;
  }
  if (!(await canAccess(db, caller, run.scope === "course" ? { kind: "course", id: run.scopeId } : { kind: "user", id: run.scopeId })))
    throw hidden;
}
