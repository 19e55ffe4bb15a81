import { createHash } from "node:crypto";
import { uuidFromHex } from "../../core/codecs/digest";

/**
 * The demo organisations, people, courses and enrolments. Everything is derived from fixed names,
 * so the seed (which writes it to Postgres) and the simulator (which invents activity for it)
 * agree on every id without talking to each other.
 */

export type DemoRole = "learner" | "trainer" | "org_admin";

export interface DemoOrganization {
  id: string;
  slug: string;
  name: string;
  minGroupSize: number;
}

export interface DemoUser {
  id: string;
  organizationId: string;
  email: string;
  name: string;
  role: DemoRole;
  department: string | null;
}

export interface DemoCourse {
  id: string;
  organizationId: string;
  code: string;
  title: string;
  trainerIds: string[];
}

export interface DemoEnrolment {
  courseId: string;
  userId: string;
  enrolledAt: string;
}

export const DEMO_PASSWORD = "demo-password";

/** A stable UUID (version 8, "custom") for a demo object, from its kind and natural key. */
export function demoId(kind: string, key: string): string {
  return uuidFromHex(createHash("sha256").update(`demo:${kind}:${key}`).digest("hex"));
}

const FIRST_NAMES = [
  "Ada",
  "Ben",
  "Chloé",
  "Dmitri",
  "Esi",
  "Farah",
  "Gustavo",
  "Hana",
  "Ivan",
  "Jia",
  "Kwame",
  "Lena",
  "Mateo",
  "Nadia",
  "Omar",
  "Priya",
  "Quinn",
  "Rosa",
  "Sven",
  "Tariq",
  "Uma",
  "Viktor",
  "Wen",
  "Yara",
  "Zoltan",
];
const LAST_NAMES = [
  "Okafor",
  "Lindqvist",
  "Tanaka",
  "Moreau",
  "Kowalski",
  "Haddad",
  "Silva",
  "Nguyen",
  "Schmidt",
  "Mensah",
  "Ivanova",
  "García",
  "O'Brien",
  "Patel",
  "Rossi",
  "Kim",
  "Dubois",
  "Novak",
];
const ACME_DEPARTMENTS = ["Engineering", "Sales", "Customer Success", "Finance", "Operations"];

/** Enrolment dates are fixed so that seeding twice, on any day, writes the same rows. */
const ENROLLED_AT = "2026-01-05T09:00:00.000Z";

function user(org: DemoOrganization, email: string, name: string, role: DemoRole, department: string | null): DemoUser {
  return { id: demoId("user", email), organizationId: org.id, email, name, role, department };
}

function course(org: DemoOrganization, code: string, title: string, trainers: DemoUser[]): DemoCourse {
  return { id: demoId("course", `${org.slug}:${code}`), organizationId: org.id, code, title, trainerIds: trainers.map((t) => t.id) };
}

function buildRoster() {
  const acme: DemoOrganization = { id: demoId("org", "acme"), slug: "acme", name: "Acme Learning", minGroupSize: 5 };
  const globex: DemoOrganization = { id: demoId("org", "globex"), slug: "globex", name: "Globex Academy", minGroupSize: 5 };

  const acmeAdmin = user(acme, "admin@acme.test", "Alex Admin", "org_admin", "Operations");
  const trainer = user(acme, "trainer@acme.test", "Terry Trainer", "trainer", "Engineering");
  const trainer2 = user(acme, "trainer2@acme.test", "Tess Trainer", "trainer", "Sales");
  const learner = user(acme, "learner@acme.test", "Lee Learner", "learner", "Engineering");
  const learner2 = user(acme, "learner2@acme.test", "Lou Learner", "learner", "Sales");
  const globexAdmin = user(globex, "admin@globex.test", "Gina Admin", "org_admin", "People");
  const globexLearner = user(globex, "learner@globex.test", "Glen Learner", "learner", "People");

  const typescript = course(acme, "TS-101", "TypeScript Foundations", [trainer]);
  const dataViz = course(acme, "DATA-201", "Data Visualisation", [trainer]);
  const negotiation = course(acme, "SALES-110", "Negotiation Essentials", [trainer2]);
  const compliance = course(acme, "OPS-050", "Compliance Basics", [trainer2]);
  const onboarding = course(globex, "GX-100", "Globex Onboarding", []);

  const extraLearners: DemoUser[] = [];
  for (let i = 0; i < 220; i += 1) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]!;
    const department = ACME_DEPARTMENTS[i % ACME_DEPARTMENTS.length]!;
    extraLearners.push(user(acme, `learner${String(i + 1).padStart(3, "0")}@acme.test`, `${first} ${last}`, "learner", department));
  }

  const enrol = (c: DemoCourse, u: DemoUser): DemoEnrolment => ({ courseId: c.id, userId: u.id, enrolledAt: ENROLLED_AT });
  const acmeCourses = [typescript, dataViz, negotiation, compliance];
  const enrolments: DemoEnrolment[] = [enrol(typescript, learner), enrol(negotiation, learner2), enrol(onboarding, globexLearner)];
  extraLearners.forEach((u, i) => {
    // Everyone takes one course; every third learner takes a second, so courses overlap like real cohorts.
    enrolments.push(enrol(acmeCourses[i % acmeCourses.length]!, u));
    if (i % 3 === 0) enrolments.push(enrol(acmeCourses[(i + 1) % acmeCourses.length]!, u));
  });

  return {
    organizations: [acme, globex],
    users: [acmeAdmin, trainer, trainer2, learner, learner2, ...extraLearners, globexAdmin, globexLearner],
    courses: [...acmeCourses, onboarding],
    enrolments,
  };
}

/** The whole demo data set. */
export const roster = buildRoster();
