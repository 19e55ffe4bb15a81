import { type DemoCourse, type DemoEnrolment, type DemoOrganization, type DemoUser, roster } from "../demo/roster";

/**
 * Everybody the simulator serves: the demo roster, plus any roster added when it starts (the
 * synthetic organisation of a scale run). Lookups go through indexes, because a scale run asks
 * about each of ten thousand learners nine times and a scan of the roster per request would
 * dominate its time.
 */

/** A course, and the demo course whose plan it follows when that is not its own code. */
export type PopulationCourse = DemoCourse & { plan?: string };

export interface PopulationRoster {
  organizations: DemoOrganization[];
  users: DemoUser[];
  courses: PopulationCourse[];
  enrolments: DemoEnrolment[];
}

function group<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

class Population {
  private readonly organizations = new Map<string, DemoOrganization>();
  private readonly users = new Map<string, DemoUser>();
  private readonly courses = new Map<string, PopulationCourse>();
  private readonly members = new Map<string, DemoUser[]>();
  private readonly coursesByOrganization = new Map<string, PopulationCourse[]>();
  private readonly enrolmentsByUser = new Map<string, DemoEnrolment[]>();
  private readonly enrolmentsByCourse = new Map<string, DemoEnrolment[]>();
  private readonly coursesByTrainer = new Map<string, PopulationCourse[]>();

  /**
   * Adds a roster. Adding one whose organisations are already served, with the same people, does
   * nothing; with other people it throws, since courses and directories already built from the
   * first one would contradict the second.
   */
  add(added: PopulationRoster): void {
    const served = added.organizations.filter((o) => this.organizations.has(o.id));
    if (served.length > 0) {
      const same =
        served.length === added.organizations.length &&
        added.users.length === served.reduce((n, o) => n + this.membersOf(o.id).length, 0) &&
        added.users.every((u) => this.users.has(u.id));
      if (same) return;
      throw new Error(`organisation ${served[0]?.id} is already served with other people`);
    }
    for (const o of added.organizations) this.organizations.set(o.id, o);
    for (const u of added.users) {
      this.users.set(u.id, u);
      group(this.members, u.organizationId, u);
    }
    for (const c of added.courses) {
      this.courses.set(c.id, c);
      group(this.coursesByOrganization, c.organizationId, c);
      for (const t of c.trainerIds) group(this.coursesByTrainer, t, c);
    }
    for (const e of added.enrolments) {
      group(this.enrolmentsByUser, e.userId, e);
      group(this.enrolmentsByCourse, e.courseId, e);
    }
  }

  organization(id: string): DemoOrganization | undefined {
    return this.organizations.get(id);
  }

  user(id: string): DemoUser | undefined {
    return this.users.get(id);
  }

  course(id: string): PopulationCourse | undefined {
    return this.courses.get(id);
  }

  /** Everybody in an organisation, in roster order. */
  membersOf(organizationId: string): DemoUser[] {
    return this.members.get(organizationId) ?? [];
  }

  coursesOf(organizationId: string): PopulationCourse[] {
    return this.coursesByOrganization.get(organizationId) ?? [];
  }

  /** A person's enrolments, in roster order. */
  enrolmentsOf(userId: string): DemoEnrolment[] {
    return this.enrolmentsByUser.get(userId) ?? [];
  }

  enrolmentsIn(courseId: string): DemoEnrolment[] {
    return this.enrolmentsByCourse.get(courseId) ?? [];
  }

  taughtBy(trainerId: string): PopulationCourse[] {
    return this.coursesByTrainer.get(trainerId) ?? [];
  }
}

/** The people the simulator serves; the demo roster is always among them. */
export const population = new Population();
population.add(roster);
