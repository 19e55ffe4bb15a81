import { type DemoUser, demoId } from "../demo/roster";
import { population } from "./population";
import { createRandom } from "./random";

/**
 * Who the demo people are beyond the roster: the directory facts (manager, title, hire date) and,
 * for learners, the habits that drive the simulated activity.
 */

/**
 * Kinds of learner. `drifting` learners start like the others, lose interest part-way through
 * the term and may stop or withdraw: they are the ones an at-risk model should find.
 */
export type Archetype = "strong" | "steady" | "struggling" | "drifting";

export interface LearnerTraits {
  archetype: Archetype;
  /** Chance of studying on a weekday at full engagement. */
  diligence: number;
  /** Multiplier on that chance at weekends. */
  weekendFactor: number;
  /** Mean learning tasks (units, assessments) per study day. */
  pace: number;
  /** Chance that a study opportunity turns an unknown skill into a known one. */
  learnRate: number;
  /** Chance of knowing a course skill before the course. */
  priorKnowledge: number;
  /** Chance of opening the assistant on a study day. */
  helpSeeking: number;
  /** Usual hour (UTC) of a study session. */
  studyHour: number;
  /** Day of the term (0-based) on which the first course starts. */
  startDay: number;
  /** Day from which engagement decays; null when it never does. */
  dropDay: number | null;
  /** Day after which the learner does nothing at all; null when that never happens. */
  quitDay: number | null;
  /** What a quitter does a few days after quitting: nothing, withdraw the enrolments, or leave the organisation. */
  exit: "none" | "withdraws" | "leaves";
}

export interface DirectoryProfile {
  departmentId: string | null;
  jobTitle: string;
  managerId: string | null;
  hiredAt: string;
}

type Range = [min: number, max: number];

const RANGES: Record<Archetype, { diligence: Range; pace: Range; learnRate: Range; prior: Range; help: Range }> = {
  strong: { diligence: [0.45, 0.6], pace: [1.3, 1.8], learnRate: [0.25, 0.4], prior: [0.2, 0.35], help: [0.05, 0.15] },
  steady: { diligence: [0.3, 0.45], pace: [1, 1.4], learnRate: [0.15, 0.25], prior: [0.1, 0.25], help: [0.1, 0.2] },
  struggling: { diligence: [0.25, 0.35], pace: [0.8, 1.1], learnRate: [0.06, 0.12], prior: [0.05, 0.12], help: [0.2, 0.35] },
  drifting: { diligence: [0.3, 0.45], pace: [0.9, 1.3], learnRate: [0.1, 0.2], prior: [0.05, 0.2], help: [0.05, 0.15] },
};

/**
 * The accounts people log in with during a demo are pinned, so a demo always shows a learner in
 * the middle of a course and one drifting away from it (still enrolled, so at risk rather than gone).
 */
const FIXED_TRAITS: Record<string, Partial<LearnerTraits>> = {
  "learner@acme.test": { archetype: "steady", startDay: 50 },
  "learner2@acme.test": { archetype: "drifting", startDay: 5, dropDay: 30, quitDay: null, exit: "none" },
  "learner@globex.test": { archetype: "strong", startDay: 40 },
};

const JOB_TITLES: Record<string, string> = {
  Engineering: "Software Engineer",
  Sales: "Account Executive",
  "Customer Success": "Customer Success Manager",
  Finance: "Financial Analyst",
  Operations: "Operations Specialist",
  People: "People Partner",
};

/** The habits of a learner, fixed for the person (seeded by the user id). */
export function learnerTraits(user: DemoUser): LearnerTraits {
  const random = createRandom(`traits:${user.id}`);
  const roll = random.next();
  const fixed = FIXED_TRAITS[user.email] ?? {};
  const archetype: Archetype =
    fixed.archetype ?? (roll < 0.25 ? "strong" : roll < 0.63 ? "steady" : roll < 0.82 ? "struggling" : "drifting");
  const range = RANGES[archetype];
  const draw = ([min, max]: Range) => random.between(min, max);
  let dropDay: number | null = null;
  let quitDay: number | null = null;
  let exit: LearnerTraits["exit"] = "none";
  if (archetype === "drifting") {
    dropDay = random.int(12, 50);
    if (random.chance(0.6)) {
      quitDay = dropDay + random.int(10, 25);
      const roll = random.next();
      exit = roll < 0.25 ? "leaves" : roll < 0.6 ? "withdraws" : "none";
    }
  }
  return {
    archetype,
    diligence: draw(range.diligence),
    weekendFactor: random.between(0.1, 0.4),
    pace: draw(range.pace),
    learnRate: draw(range.learnRate),
    priorKnowledge: draw(range.prior),
    helpSeeking: draw(range.help),
    studyHour: random.int(7, 19),
    startDay: random.int(0, 14),
    dropDay,
    quitDay,
    exit,
    ...fixed,
  };
}

/** How keen a learner is on day `day` of the term, 0 … 1. */
export function engagement(traits: LearnerTraits, day: number): number {
  if (traits.quitDay !== null && day > traits.quitDay) return 0;
  if (traits.dropDay === null || day < traits.dropDay) return 1;
  return Math.exp(-(day - traits.dropDay) / 12);
}

export function departmentId(organizationId: string, name: string): string {
  return demoId("department", `${organizationId}:${name}`);
}

interface OrganizationDirectory {
  profiles: Map<string, DirectoryProfile>;
  /** The head of each department, by department id. */
  heads: Map<string, string>;
}

/**
 * The directory's view of one organisation. The first person of a department in roster order
 * heads it and manages its other members; heads report to the organisation's first admin.
 */
function buildDirectory(organizationId: string): OrganizationDirectory {
  const members = population.membersOf(organizationId);
  const heads = new Map<string, DemoUser>();
  for (const user of members) if (user.department !== null && !heads.has(user.department)) heads.set(user.department, user);
  const admin = members.find((u) => u.role === "org_admin");
  const profiles = new Map<string, DirectoryProfile>();
  const departmentHeads = new Map<string, string>();
  for (const user of members) {
    const random = createRandom(`directory:${user.id}`);
    const head = user.department === null ? undefined : heads.get(user.department);
    const isHead = head?.id === user.id;
    const manager = isHead || head === undefined ? admin : head;
    const seniority = random.chance(0.25) ? "Senior " : "";
    const title = isHead
      ? `Head of ${user.department}`
      : user.role === "trainer"
        ? "Trainer"
        : `${seniority}${JOB_TITLES[user.department ?? ""] ?? "Specialist"}`;
    const hired = Date.UTC(2012, 0, 1) + Math.floor(random.next() * (Date.UTC(2025, 11, 1) - Date.UTC(2012, 0, 1)));
    const department = user.department === null ? null : departmentId(user.organizationId, user.department);
    if (department !== null && isHead) departmentHeads.set(department, user.id);
    profiles.set(user.id, {
      departmentId: department,
      jobTitle: title,
      managerId: manager && manager.id !== user.id ? manager.id : null,
      hiredAt: new Date(hired).toISOString().slice(0, 10),
    });
  }
  return { profiles, heads: departmentHeads };
}

const directories = new Map<string, OrganizationDirectory>();

/** The directory of an organisation, built on first use (a roster added later brings its own). */
function directoryOf(organizationId: string): OrganizationDirectory {
  let found = directories.get(organizationId);
  if (!found) {
    found = buildDirectory(organizationId);
    directories.set(organizationId, found);
  }
  return found;
}

/** Directory facts of a person the simulator serves. */
export function profileOf(user: DemoUser): DirectoryProfile {
  const profile = directoryOf(user.organizationId).profiles.get(user.id);
  if (!profile) throw new Error(`${user.email} is not in the directory of ${user.organizationId}`);
  return profile;
}

/** The user id heading a department, or null. */
export function departmentHead(organizationId: string, departmentId: string): string | null {
  return directoryOf(organizationId).heads.get(departmentId) ?? null;
}
