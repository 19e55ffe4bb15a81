import { z } from "zod";
import { count, day, id, label, servicePayload } from "./envelope";

/** Platform roles, as the directory assigns them; they decide what a person may see. */
export const DIRECTORY_ROLES = ["learner", "trainer", "org_admin"] as const;

export const personSchema = z.object({
  id,
  organizationId: id,
  email: z.email(),
  name: label,
  role: z.enum(DIRECTORY_ROLES),
  /** One of `departments[].id`; null for people outside any department. */
  departmentId: id.nullable(),
  jobTitle: label.nullable(),
  /** The person's line manager (another person of the organisation); null at the top of the tree. */
  managerId: id.nullable(),
  /** First working day, a calendar date. */
  hiredAt: day,
  /** False once the person has left the organisation; leavers stay listed so history keeps its owner. */
  active: z.boolean(),
});

export const departmentSchema = z.object({
  id,
  name: label,
  /** The person heading the department, when one is named. */
  headId: id.nullable(),
  /** Active people in the department (the whole department, not only those in `people`). */
  memberCount: count,
});

/**
 * directory — who is who. User scope: that person; course scope: the course's learners and
 * trainers; organisation scope: everybody. `departments` lists the departments of those people.
 */
export const directoryPayload = servicePayload(
  "directory",
  z.object({
    organization: z.object({ id, name: label }),
    departments: z.array(departmentSchema),
    people: z.array(personSchema),
  }),
);

export type DirectoryPayload = z.infer<typeof directoryPayload>;
export type DirectoryPerson = z.infer<typeof personSchema>;
