import { createHash } from "node:crypto";
import { type DemoCourse, type DemoEnrolment, type DemoOrganization, type DemoUser, demoId } from "./roster";

/**
 * A synthetic organisation of any size, for measuring the pipeline at scale. Like the demo roster
 * it is derived from fixed names and the index of each person, so the seed and the simulator
 * agree on every id without talking, and the first n learners of a larger organisation are the
 * n learners of a smaller one.
 */

/** A course of the synthetic organisation: a cohort of one of the simulator's course plans. */
export interface SyntheticCourse extends DemoCourse {
  /** The demo course code whose modules, units and assessments this cohort follows. */
  plan: string;
}

export interface SyntheticRoster {
  organization: DemoOrganization;
  /** The same shape as the demo roster's, so code that serves one serves the other. */
  organizations: DemoOrganization[];
  users: DemoUser[];
  courses: SyntheticCourse[];
  enrolments: DemoEnrolment[];
}

export const SYNTHETIC_SLUG = "scale";
export const LEARNERS_PER_TRAINER = 40;

/** Department and its share of the learners: engineering-heavy, like a software company. */
const DEPARTMENTS: [name: string, share: number][] = [
  ["Engineering", 0.3],
  ["Sales", 0.2],
  ["Customer Success", 0.15],
  ["Operations", 0.15],
  ["Finance", 0.1],
  ["People", 0.1],
];

/** The simulator's course plans and the departments that mostly take each. */
const PLANS: { code: string; title: string; departments: string[] }[] = [
  { code: "TS-101", title: "TypeScript Foundations", departments: ["Engineering"] },
  { code: "DATA-201", title: "Data Visualisation", departments: ["Engineering", "Finance"] },
  { code: "SALES-110", title: "Negotiation Essentials", departments: ["Sales", "Customer Success"] },
  { code: "OPS-050", title: "Compliance Basics", departments: ["Operations", "Finance", "People"] },
  { code: "GX-100", title: "Company Onboarding", departments: ["People", "Operations", "Customer Success"] },
];
const COHORTS = ["Spring", "Summer", "Autumn"];
/** Twelve courses: the first twelve cohorts of the plans taken in turn. */
const COURSE_COUNT = 12;

/** Chances of taking one, two or three courses. */
const ENROLMENT_COUNTS: [count: number, chance: number][] = [
  [1, 0.55],
  [2, 0.3],
  [3, 0.15],
];

const FIRST_NAMES = ["Amara", "Bruno", "Carmen", "Daniel", "Elif", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Keiko", "Luca"];
const LAST_NAMES = ["Adeyemi", "Berg", "Castro", "Dahl", "Eriksen", "Fischer", "Gupta", "Horvat", "Ito", "Jensen", "Khan"];

const ENROLLED_AT = "2026-01-05T09:00:00.000Z";

/** A number in [0, 1) fixed by `key`. */
function fraction(key: string): number {
  return createHash("sha256").update(`synthetic:${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** The item at `index` of a list the caller knows is long enough. */
function itemAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} of ${items.length}`);
  return item;
}

/** The item a roll in [0, 1) lands on, each equally likely. */
const pick = <T>(items: readonly T[], roll: number): T => itemAt(items, Math.floor(roll * items.length));

/** The choice a roll in [0, 1) lands on, each as likely as its weight (the weights add up to 1). */
function weighted<T>(choices: [T, number][], roll: number): T {
  let sum = 0;
  for (const [value, weight] of choices) {
    sum += weight;
    if (roll < sum) return value;
  }
  // Rounding can leave the weights a hair under 1.
  return itemAt(choices, choices.length - 1)[0];
}

const nameOf = (i: number) =>
  `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]}`;

/** An organisation of `learners` learners, ⌈learners / 40⌉ trainers and one admin. */
export function syntheticOrganization(learners: number): SyntheticRoster {
  if (!Number.isInteger(learners) || learners < 1) throw new Error(`learners must be a positive integer, got ${learners}`);
  const organization: DemoOrganization = { id: demoId("org", SYNTHETIC_SLUG), slug: SYNTHETIC_SLUG, name: "Scale Corp", minGroupSize: 5 };
  const person = (email: string, name: string, role: DemoUser["role"], department: string): DemoUser => ({
    id: demoId("user", email),
    organizationId: organization.id,
    email,
    name,
    role,
    department,
  });
  const domain = `${SYNTHETIC_SLUG}.test`;
  const admin = person(`admin@${domain}`, "Sam Admin", "org_admin", "Operations");
  const trainers = Array.from({ length: Math.ceil(learners / LEARNERS_PER_TRAINER) }, (_, t) =>
    person(`trainer${t + 1}@${domain}`, nameOf(t + 7), "trainer", weighted(DEPARTMENTS, fraction(`trainer:${t}`))),
  );
  const courses: SyntheticCourse[] = Array.from({ length: COURSE_COUNT }, (_, c) => {
    const plan = itemAt(PLANS, c % PLANS.length);
    const cohort = itemAt(COHORTS, Math.floor(c / PLANS.length));
    const code = `${plan.code}-${cohort.slice(0, 2).toUpperCase()}`;
    // Trainers in turn, so every course has one as soon as there are twelve trainers.
    const taught = trainers.filter((_, t) => t % COURSE_COUNT === c);
    const trainerIds = (taught.length > 0 ? taught : [itemAt(trainers, c % trainers.length)]).map((t) => t.id);
    return {
      id: demoId("course", `${SYNTHETIC_SLUG}:${code}`),
      organizationId: organization.id,
      code,
      title: `${plan.title} (${cohort} cohort)`,
      trainerIds,
      plan: plan.code,
    };
  });

  const users: DemoUser[] = [admin, ...trainers];
  const enrolments: DemoEnrolment[] = [];
  for (let i = 0; i < learners; i += 1) {
    const learner = person(
      `learner${String(i + 1).padStart(5, "0")}@${domain}`,
      nameOf(i),
      "learner",
      weighted(DEPARTMENTS, fraction(`department:${i}`)),
    );
    users.push(learner);
    // The first course is mostly one that serves the department; further ones are anything else.
    const suited = courses.filter((c) => PLANS.find((p) => p.code === c.plan)?.departments.includes(learner.department ?? ""));
    const first =
      fraction(`suited:${i}`) < 0.8 && suited.length > 0 ? pick(suited, fraction(`first:${i}`)) : pick(courses, fraction(`first:${i}`));
    const taken = [first];
    const count = weighted(ENROLMENT_COUNTS, fraction(`count:${i}`));
    for (let k = 1; taken.length < count; k += 1) {
      const next = pick(courses, fraction(`more:${i}:${k}`));
      if (!taken.includes(next)) taken.push(next);
    }
    for (const course of taken) enrolments.push({ courseId: course.id, userId: learner.id, enrolledAt: ENROLLED_AT });
  }
  return { organization, organizations: [organization], users, courses, enrolments };
}
