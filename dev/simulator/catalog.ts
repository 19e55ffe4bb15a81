import type { CONTENT_KINDS, CourseOffering, EXERCISE_DIFFICULTIES, UNIT_KINDS } from "../../jobs/collect/contracts";
import { type DemoCourse, demoId } from "../demo/roster";
import { courseHistory, type PastOutcomes } from "./history";
import { type PopulationCourse, population } from "./population";
import { createRandom } from "./random";

/**
 * What the demo courses contain: skills, modules, units, assessments with their item banks,
 * content and lab exercises. Fixed text plus ids from `demoId`, so every service of the simulator
 * (and every run) agrees on the same catalogue.
 */

type UnitKind = (typeof UNIT_KINDS)[number];
type ContentKind = (typeof CONTENT_KINDS)[number];

export interface ItemDef {
  id: string;
  /** −1 (easy) … 1 (hard): raises the slip and lowers the guess chance of the skill. */
  difficulty: number;
}

export interface SkillDef {
  id: string;
  name: string;
  category: string;
  /** Chance of answering right without knowing the skill (knowledge-tracing "guess"). */
  guess: number;
  /** Chance of answering wrong while knowing it ("slip"). */
  slip: number;
  items: ItemDef[];
}

export interface AssessmentDef {
  id: string;
  courseId: string;
  moduleId: string | null;
  kind: "practice" | "quiz" | "exam";
  title: string;
  itemCount: number;
  itemMaxScore: number;
  maxScore: number;
  passMark: number | null;
  /** The term day (0-based) the assessment is due at the start of; null for practice, which has no deadline. */
  dueDay: number | null;
  /** Percent of the course grade: quizzes share `QUIZ_WEIGHT`, the exam carries `EXAM_WEIGHT`, practice 0. */
  weight: number;
}

export interface ContentDef {
  id: string;
  courseId: string;
  unitId: string | null;
  kind: ContentKind;
  title: string;
  durationSeconds: number | null;
  /** Minutes a careful learner spends on it. */
  minutes: number;
}

export interface ExerciseDef {
  id: string;
  courseId: string;
  unitId: string | null;
  skillId: string;
  title: string;
  difficulty: (typeof EXERCISE_DIFFICULTIES)[number];
  testsTotal: number;
}

export interface UnitDef {
  id: string;
  moduleId: string;
  position: number;
  title: string;
  kind: UnitKind;
  estimatedMinutes: number;
  skillId: string;
  /** The ungraded knowledge check of an interactive unit; null for the others. */
  practice: AssessmentDef | null;
  contents: ContentDef[];
  exercise: ExerciseDef | null;
}

export interface ModuleDef {
  id: string;
  position: number;
  title: string;
  skillId: string;
  units: UnitDef[];
  quiz: AssessmentDef;
}

export interface CourseDef {
  course: DemoCourse;
  category: string;
  skills: SkillDef[];
  modules: ModuleDef[];
  /** Every unit, in course order. */
  units: UnitDef[];
  exam: AssessmentDef;
  assessments: AssessmentDef[];
  contents: ContentDef[];
  exercises: ExerciseDef[];
  /** Mandatory training is due this many days into the term; null for elective courses. */
  dueDay: number | null;
  /** The term day the course's schedule closes: the exam is due then. */
  closeDay: number;
  /** Outcomes of the course's earlier offerings, oldest first. */
  history: CourseOffering[];
}

type KindCode = "v" | "r" | "i" | "l";
interface ModulePlan {
  title: string;
  skill: [slug: string, name: string];
  units: [title: string, kind: KindCode][];
}
interface CoursePlan {
  category: string;
  dueDay: number | null;
  /**
   * The term day the schedule closes (for mandatory training, its due day). Chosen so that with
   * the learners' own pace (journey.ts) strong and steady learners meet most deadlines, while
   * struggling and drifting ones are late or miss them; see `designedOutcomes`.
   */
  closeDay: number;
  /**
   * Shares of earlier offerings' learners who failed and withdrew: about what the designed
   * outcomes of this term's cohort come to (outcomes.ts), so the course's past predicts its present.
   */
  past: PastOutcomes;
  modules: ModulePlan[];
}

const KINDS: Record<KindCode, UnitKind> = { v: "video", r: "reading", i: "interactive", l: "lab" };
const MAIN_CONTENT: Record<Exclude<UnitKind, "lab">, ContentKind> = { video: "video", reading: "article", interactive: "interactive" };

const PLANS: Record<string, CoursePlan> = {
  "TS-101": {
    category: "Software engineering",
    dueDay: null,
    closeDay: 110,
    past: { failed: 0.28, withdrawn: 0.12 },
    modules: [
      {
        title: "Types from the ground up",
        skill: ["ts-types", "TypeScript type annotations and inference"],
        units: [
          ["Why static types", "v"],
          ["Primitive and object types", "r"],
          ["Type inference in practice", "i"],
          ["Typing a small module", "l"],
        ],
      },
      {
        title: "Narrowing",
        skill: ["ts-narrowing", "Type narrowing and control flow"],
        units: [
          ["Union types", "v"],
          ["Type guards", "r"],
          ["Discriminated unions", "i"],
          ["Exhaustive switches", "l"],
        ],
      },
      {
        title: "Generics",
        skill: ["ts-generics", "Generic programming in TypeScript"],
        units: [
          ["Generic functions", "v"],
          ["Constraints", "r"],
          ["Utility types", "i"],
          ["Conditional types", "r"],
          ["A typed collection", "l"],
        ],
      },
      {
        title: "Asynchronous code",
        skill: ["ts-async", "Asynchronous TypeScript"],
        units: [
          ["Promises and async/await", "v"],
          ["Typing async APIs", "r"],
          ["Errors in async code", "i"],
          ["Fetching with types", "l"],
        ],
      },
      {
        title: "Modules and tooling",
        skill: ["ts-tooling", "TypeScript modules and tooling"],
        units: [
          ["ES modules", "v"],
          ["tsconfig explained", "r"],
          ["Linting and formatting", "i"],
          ["Setting up a project", "l"],
        ],
      },
    ],
  },
  "DATA-201": {
    category: "Data and analytics",
    dueDay: null,
    closeDay: 110,
    past: { failed: 0.4, withdrawn: 0.06 },
    modules: [
      {
        title: "Preparing data",
        skill: ["dv-preparation", "Preparing data for analysis"],
        units: [
          ["Tidy data", "v"],
          ["Cleaning messy columns", "r"],
          ["Joins and reshaping", "l"],
          ["Checking your data", "i"],
        ],
      },
      {
        title: "Visual encoding",
        skill: ["dv-encoding", "Visual encoding"],
        units: [
          ["Position, length, colour", "v"],
          ["Perception pitfalls", "r"],
          ["Colour scales", "i"],
          ["Encoding lab", "l"],
        ],
      },
      {
        title: "Choosing the chart",
        skill: ["dv-charts", "Chart selection"],
        units: [
          ["Comparisons and trends", "v"],
          ["Distributions", "r"],
          ["Part-to-whole", "i"],
          ["Chart makeover", "l"],
        ],
      },
      {
        title: "Telling the story",
        skill: ["dv-storytelling", "Data storytelling"],
        units: [
          ["Narrative structure", "v"],
          ["Annotation", "r"],
          ["From chart to slide", "i"],
        ],
      },
      {
        title: "Dashboards",
        skill: ["dv-dashboards", "Dashboard design"],
        units: [
          ["Dashboard anatomy", "v"],
          ["Filters and interaction", "i"],
          ["Performance budgets", "r"],
          ["Build a dashboard", "l"],
        ],
      },
    ],
  },
  "SALES-110": {
    category: "Sales and negotiation",
    dueDay: null,
    closeDay: 100,
    past: { failed: 0.38, withdrawn: 0.06 },
    modules: [
      {
        title: "Preparation",
        skill: ["ng-preparation", "Negotiation preparation"],
        units: [
          ["Interests versus positions", "v"],
          ["Your BATNA", "r"],
          ["Mapping the other side", "i"],
          ["Preparation checklist", "r"],
        ],
      },
      {
        title: "Listening",
        skill: ["ng-listening", "Active listening"],
        units: [
          ["Listening to understand", "v"],
          ["Labelling and mirroring", "i"],
          ["Questions that open up", "r"],
          ["Role-play: discovery call", "i"],
        ],
      },
      {
        title: "Anchors and concessions",
        skill: ["ng-anchoring", "Anchoring and concessions"],
        units: [
          ["The first offer", "v"],
          ["Trading concessions", "r"],
          ["Handling pressure tactics", "i"],
          ["Role-play: price talk", "i"],
        ],
      },
      {
        title: "Closing",
        skill: ["ng-closing", "Closing agreements"],
        units: [
          ["Signals to close", "v"],
          ["Writing it down", "r"],
          ["Role-play: the close", "i"],
          ["After the deal", "r"],
        ],
      },
    ],
  },
  "OPS-050": {
    category: "Compliance",
    dueDay: 80,
    closeDay: 80,
    past: { failed: 0.24, withdrawn: 0.08 },
    modules: [
      {
        title: "Protecting personal data",
        skill: ["cp-data-protection", "Data protection"],
        units: [
          ["What counts as personal data", "v"],
          ["Lawful processing", "r"],
          ["Data subject requests", "i"],
          ["Breach reporting", "r"],
        ],
      },
      {
        title: "Gifts and bribery",
        skill: ["cp-anti-bribery", "Anti-bribery and gifts"],
        units: [
          ["Bribery in plain words", "v"],
          ["Gifts and hospitality", "r"],
          ["Case studies", "i"],
          ["Speaking up", "r"],
        ],
      },
      {
        title: "Security hygiene",
        skill: ["cp-infosec", "Information security hygiene"],
        units: [
          ["Phishing", "v"],
          ["Passwords and MFA", "i"],
          ["Working remotely", "r"],
          ["Incident drill", "i"],
        ],
      },
    ],
  },
  "GX-100": {
    category: "Onboarding",
    dueDay: 45,
    closeDay: 45,
    past: { failed: 0.08, withdrawn: 0.04 },
    modules: [
      {
        title: "Who we are",
        skill: ["gx-culture", "Globex culture and values"],
        units: [
          ["Welcome to Globex", "v"],
          ["Our values", "r"],
          ["How decisions are made", "i"],
          ["Meet the teams", "v"],
        ],
      },
      {
        title: "Tools of the trade",
        skill: ["gx-tools", "Globex internal tools"],
        units: [
          ["Your workspace", "v"],
          ["Ticketing basics", "i"],
          ["Finding information", "r"],
          ["Tool tour", "i"],
        ],
      },
      {
        title: "Policies",
        skill: ["gx-policies", "Workplace policies"],
        units: [
          ["Working hours and leave", "r"],
          ["Expenses", "i"],
          ["Code of conduct", "v"],
          ["Policy check", "r"],
        ],
      },
    ],
  },
};

/**
 * Skills no demo course teaches but people are expected to grow, by department: they appear as
 * target skills with no assessment evidence, as real skill profiles do.
 */
const EXTRA_SKILLS: Record<string, [slug: string, name: string, category: string]> = {
  Engineering: ["sql-querying", "SQL querying", "Data and analytics"],
  Sales: ["public-speaking", "Public speaking", "Communication"],
  "Customer Success": ["stakeholder-management", "Stakeholder management", "Leadership"],
  Finance: ["sql-querying", "SQL querying", "Data and analytics"],
  Operations: ["time-management", "Time management", "Personal effectiveness"],
  People: ["time-management", "Time management", "Personal effectiveness"],
};

/** The department whose work each course category serves most. */
export const CATEGORY_DEPARTMENTS: Record<string, string[]> = {
  "Software engineering": ["Engineering"],
  "Data and analytics": ["Engineering", "Finance"],
  "Sales and negotiation": ["Sales", "Customer Success"],
  Compliance: [],
  Onboarding: [],
};

const ITEMS_PER_SKILL = 24;
const PRACTICE_ITEMS = 3;
const QUIZ_ITEMS = 5;
const EXAM_ITEMS_PER_SKILL = 2;
/** Percent of the grade the quizzes share (split evenly, whole percents) and the exam carries. */
export const QUIZ_WEIGHT = 50;
export const EXAM_WEIGHT = 50;
/** Days the schedule allows for getting started before the first module's span. */
export const START_UP_DAYS = 14;

/** Whole percents summing to `total` split as evenly as possible over `parts`, the first parts taking the remainder. */
function evenSplit(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total - base * parts ? 1 : 0));
}

function skill(slug: string, name: string, category: string): SkillDef {
  const random = createRandom(`skill:${slug}`);
  const items = Array.from({ length: ITEMS_PER_SKILL }, (_, i) => ({
    id: demoId("item", `${slug}:${i + 1}`),
    difficulty: random.between(-1, 1),
  }));
  return { id: demoId("skill", slug), name, category, guess: random.between(0.15, 0.3), slip: random.between(0.05, 0.12), items };
}

function buildCourse(course: PopulationCourse): CourseDef {
  const plan = PLANS[course.plan ?? course.code];
  if (!plan) throw new Error(`no simulator plan for course ${course.code}`);
  const key = (...parts: (string | number)[]) => [course.code, ...parts].join(":");
  const random = createRandom(`course:${course.code}`);
  const skills: SkillDef[] = [];
  const contents: ContentDef[] = [];
  const exercises: ExerciseDef[] = [];
  const assessments: AssessmentDef[] = [];

  contents.push({
    id: demoId("content", key("intro")),
    courseId: course.id,
    unitId: null,
    kind: "video",
    title: `${course.title}: introduction`,
    durationSeconds: 240,
    minutes: 4,
  });

  // Each module's span is its share of the units between the start-up days and the close.
  const unitCount = plan.modules.reduce((n, m) => n + m.units.length, 0);
  const quizWeights = evenSplit(QUIZ_WEIGHT, plan.modules.length);
  let unitsSoFar = 0;
  const modules = plan.modules.map((modulePlan, m): ModuleDef => {
    unitsSoFar += modulePlan.units.length;
    const [slug, skillName] = modulePlan.skill;
    const skillDef = skill(slug, skillName, plan.category);
    skills.push(skillDef);
    const moduleId = demoId("module", key(m + 1));
    const units = modulePlan.units.map(([title, code], u): UnitDef => {
      const kind = KINDS[code];
      const unitId = demoId("unit", key(m + 1, u + 1));
      const estimatedMinutes = kind === "lab" ? random.int(30, 60) : random.int(8, 25);
      const unit: UnitDef = {
        id: unitId,
        moduleId,
        position: u + 1,
        title,
        kind,
        estimatedMinutes,
        skillId: skillDef.id,
        practice: null,
        contents: [],
        exercise: null,
      };
      if (kind === "lab") {
        unit.exercise = {
          id: demoId("exercise", key(m + 1, u + 1)),
          courseId: course.id,
          unitId,
          skillId: skillDef.id,
          title,
          difficulty: m < 2 ? "easy" : m < 4 ? "medium" : "hard",
          testsTotal: random.int(6, 14),
        };
        exercises.push(unit.exercise);
        return unit;
      }
      const mainKind = MAIN_CONTENT[kind];
      unit.contents.push({
        id: demoId("content", key(m + 1, u + 1)),
        courseId: course.id,
        unitId,
        kind: mainKind,
        title,
        durationSeconds: mainKind === "video" ? estimatedMinutes * 50 : null,
        minutes: estimatedMinutes,
      });
      // Some units come with a handout, as authored courses do.
      if (random.chance(0.35)) {
        unit.contents.push({
          id: demoId("content", key(m + 1, u + 1, "extra")),
          courseId: course.id,
          unitId,
          kind: plan.category === "Sales and negotiation" ? "podcast" : "slides",
          title: `${title} (${plan.category === "Sales and negotiation" ? "podcast" : "slides"})`,
          durationSeconds: plan.category === "Sales and negotiation" ? random.int(600, 1500) : null,
          minutes: random.int(4, 12),
        });
      }
      if (kind === "interactive") {
        unit.practice = {
          id: demoId("assessment", key(m + 1, u + 1, "check")),
          courseId: course.id,
          moduleId,
          kind: "practice",
          title: `Check: ${title}`,
          itemCount: PRACTICE_ITEMS,
          itemMaxScore: 1,
          maxScore: PRACTICE_ITEMS,
          passMark: null,
          dueDay: null,
          weight: 0,
        };
        assessments.push(unit.practice);
      }
      contents.push(...unit.contents);
      return unit;
    });
    const quiz: AssessmentDef = {
      id: demoId("assessment", key(m + 1, "quiz")),
      courseId: course.id,
      moduleId,
      kind: "quiz",
      title: `Quiz: ${modulePlan.title}`,
      itemCount: QUIZ_ITEMS,
      itemMaxScore: 1,
      maxScore: QUIZ_ITEMS,
      passMark: 3,
      dueDay: Math.round(START_UP_DAYS + ((plan.closeDay - START_UP_DAYS) * unitsSoFar) / unitCount),
      weight: quizWeights[m] ?? 0,
    };
    assessments.push(quiz);
    return { id: moduleId, position: m + 1, title: modulePlan.title, skillId: skillDef.id, units, quiz };
  });

  const examItems = EXAM_ITEMS_PER_SKILL * skills.length;
  const exam: AssessmentDef = {
    id: demoId("assessment", key("exam")),
    courseId: course.id,
    moduleId: null,
    kind: "exam",
    title: `Final exam: ${course.title}`,
    itemCount: examItems,
    itemMaxScore: 2,
    maxScore: examItems * 2,
    passMark: Math.ceil(examItems * 2 * 0.7),
    dueDay: plan.closeDay,
    weight: EXAM_WEIGHT,
  };
  assessments.push(exam);

  // Technical courses offer one optional kata per skill, for practice beyond the labs.
  if (exercises.length > 0) {
    for (const s of skills) {
      exercises.push({
        id: demoId("exercise", key("kata", s.id)),
        courseId: course.id,
        unitId: null,
        skillId: s.id,
        title: `Kata: ${s.name}`,
        difficulty: "medium",
        testsTotal: 10,
      });
    }
  }

  return {
    course,
    category: plan.category,
    skills,
    modules,
    units: modules.flatMap((m) => m.units),
    exam,
    assessments,
    contents,
    exercises,
    dueDay: plan.dueDay,
    closeDay: plan.closeDay,
    history: courseHistory(course.id, plan.past),
  };
}

function buildCatalog() {
  const extraSkills = new Map(
    Object.entries(EXTRA_SKILLS).map(([department, [slug, name, category]]) => [department, skill(slug, name, category)] as const),
  );
  // Every plan's skills, whichever courses follow it: courses of the same plan share their skills.
  const skills = new Map<string, SkillDef>();
  for (const plan of Object.values(PLANS)) {
    for (const {
      skill: [slug, name],
    } of plan.modules) {
      const def = skill(slug, name, plan.category);
      skills.set(def.id, def);
    }
  }
  for (const s of extraSkills.values()) skills.set(s.id, s);
  /** Course definitions, built on first use: a roster added later brings its own courses. */
  const courses = new Map<string, CourseDef>();
  return { courses, extraSkills, skills };
}

/** The catalogue of the demo courses (filled as they are asked for), and the skills catalogue. */
export const catalog = buildCatalog();

export function courseDef(courseId: string): CourseDef {
  let def = catalog.courses.get(courseId);
  if (!def) {
    const course = population.course(courseId);
    if (!course) throw new Error(`unknown course ${courseId}`);
    def = buildCourse(course);
    catalog.courses.set(courseId, def);
  }
  return def;
}
