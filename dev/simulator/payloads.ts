import type { Enrolment, LearnerInsight, ServiceName, ServicePayload, TargetSkill } from "../../jobs/collect/contracts";
import type { DemoUser } from "../demo/roster";
import { DAY_MS, dayKey, isoSeconds } from "./calendar";
import { CATEGORY_DEPARTMENTS, type CourseDef, catalog } from "./catalog";
import { previousAttempts } from "./history";
import { type CourseTrack, departure, type Journey, simulateJourney, TERM_DAYS, type Timed } from "./journey";
import { departmentHead, learnerTraits, profileOf } from "./people";
import { population } from "./population";
import { createRandom } from "./random";
import type { AnalyticsQuery } from "./request";
import type { ScopeSubjects } from "./scope";

/**
 * Each service's view of the simulated term: the same journeys, projected onto what that service
 * would know, cut to the request's scope and window. State (progress, levels, predictions) is
 * given as of the window's end, or of today when the window reaches past it.
 */

/**
 * Journeys kept at once. A run asks the nine services about a learner close together, so the
 * most recent few thousand serve nearly every request, and ten thousand whole terms (~40 kB
 * each) would sit in memory for nothing.
 */
const KEPT_JOURNEYS = 4000;

/** The journeys of one term, simulated on first use (and again if asked for long after). */
export class JourneyBook {
  private readonly journeys = new Map<string, Journey>();
  private readonly headcounts = new Map<string, Map<string, number>>();

  /** `today` is the UTC midnight ending the term. */
  constructor(readonly today: number) {}

  /** Whether a person is still in the organisation at `at` (before the instant they left, if they did). */
  activeAt(user: DemoUser, at: number): boolean {
    const left = departure(user, this.today);
    return left === null || left >= at;
  }

  /**
   * Active members of each department of an organisation at `at`, by department id. Every
   * directory answer reports them; counted once per organisation and instant, since counting
   * ten thousand people for each of ten thousand requests would be the simulator's whole work.
   */
  headcount(organizationId: string, at: number): Map<string, number> {
    const key = `${organizationId}:${at}`;
    let counts = this.headcounts.get(key);
    if (!counts) {
      counts = new Map();
      for (const user of population.membersOf(organizationId)) {
        const { departmentId } = profileOf(user);
        if (departmentId && this.activeAt(user, at)) counts.set(departmentId, (counts.get(departmentId) ?? 0) + 1);
      }
      this.headcounts.set(key, counts);
    }
    return counts;
  }

  of(user: DemoUser): Journey {
    let journey = this.journeys.get(user.id);
    if (journey) {
      // Most recently used last, so the first entry is the one to forget.
      this.journeys.delete(user.id);
    } else {
      journey = simulateJourney(user, this.today);
      if (this.journeys.size >= KEPT_JOURNEYS) {
        const oldest = this.journeys.keys().next();
        if (!oldest.done) this.journeys.delete(oldest.value);
      }
    }
    this.journeys.set(user.id, journey);
    return journey;
  }
}

interface View {
  subjects: ScopeSubjects;
  from: number;
  to: number;
  /** The instant state is reported at. */
  asOf: number;
  book: JourneyBook;
}

type Data<S extends ServiceName> = ServicePayload<S>["data"];

const MODEL_VERSION = "learner-ai-sim-1";

/** Builds the payload of `service` for a checked query of known subjects. */
export function buildPayload<S extends ServiceName>(
  service: S,
  query: AnalyticsQuery,
  subjects: ScopeSubjects,
  book: JourneyBook,
): ServicePayload<S> {
  const view: View = { subjects, from: query.window.from, to: query.window.to, asOf: Math.min(query.window.to, book.today), book };
  const data = BUILDERS[service](view) as Data<S>;
  return {
    service,
    scope: query.scope,
    generatedAt: isoSeconds(book.today),
    window: { from: isoSeconds(query.window.from), to: isoSeconds(query.window.to) },
    data,
  } as ServicePayload<S>;
}

const BUILDERS: { [S in ServiceName]: (view: View) => Data<S> } = {
  directory: directoryData,
  courseBuilder: courseBuilderData,
  assessment: (view) => ({
    assessments: view.subjects.courses.flatMap((c) =>
      c.assessments.map(({ itemMaxScore: _, dueDay, ...a }) => ({
        ...a,
        dueAt: dueDay === null ? null : isoSeconds(termDay(view, dueDay)),
      })),
    ),
    attempts: records(
      view,
      (j) => j.attempts,
      (a) => a.courseId,
    ),
  }),
  skillsEngine: skillsEngineData,
  learnerAI: learnerAIData,
  contentStudio: (view) => ({
    contents: view.subjects.courses.flatMap((c) => c.contents.map(({ minutes: _, ...content }) => content)),
    events: records(
      view,
      (j) => j.content,
      (e) => e.courseId,
    ),
  }),
  devLab: (view) => ({
    exercises: view.subjects.courses.flatMap((c) => c.exercises.map(({ testsTotal: _, ...e }) => e)),
    submissions: records(
      view,
      (j) => j.submissions,
      (s) => s.courseId,
    ),
  }),
  ragAssistant: (view) => ({
    sessions: records(
      view,
      (j) => j.sessions,
      (s) => s.courseId,
    ),
  }),
  auth: (view) => ({
    users: view.subjects.people.map((user) => {
      const signIns = view.book.of(user).signIns.filter((s) => s.lastAt < view.asOf);
      const last = signIns[signIns.length - 1];
      return {
        userId: user.id,
        lastSignInAt: last ? isoSeconds(last.lastAt) : null,
        days: signIns
          .filter((s) => s.at >= view.from && s.at < view.to)
          .map((s) => ({ day: dayKey(s.at), sessions: s.sessions, activeMinutes: s.activeMinutes })),
      };
    }),
  }),
};

/** Midnight UTC starting day `day` (0-based) of the term. */
function termDay(view: View, day: number): number {
  return view.book.today - (TERM_DAYS - day) * DAY_MS;
}

/** The records of everybody in scope inside the window, oldest first; in a course scope only that course's. */
function records<T>(view: View, pick: (journey: Journey) => Timed<T>[], courseOf: (record: T) => string | null): T[] {
  const all: Timed<T>[] = [];
  for (const user of view.subjects.people) {
    for (const record of pick(view.book.of(user))) {
      if (record.at < view.from || record.at >= view.asOf) continue;
      if (view.subjects.courseId !== null && courseOf(record.value) !== view.subjects.courseId) continue;
      all.push(record);
    }
  }
  return all.sort((a, b) => a.at - b.at).map((r) => r.value);
}

/** The tracks of a person that are in scope. */
function tracks(view: View, user: DemoUser): CourseTrack[] {
  return view.book.of(user).tracks.filter((t) => view.subjects.courseId === null || t.def.course.id === view.subjects.courseId);
}

function directoryData(view: View): Data<"directory"> {
  const { organizationId } = view.subjects;
  const organization = population.organization(organizationId);
  if (!organization) throw new Error(`unknown organisation ${organizationId}`);
  const members = view.book.headcount(organizationId, view.asOf);
  const people = view.subjects.listed.map((user) => {
    const profile = profileOf(user);
    return {
      id: user.id,
      organizationId: user.organizationId,
      email: user.email,
      name: user.name,
      role: user.role,
      departmentId: profile.departmentId,
      jobTitle: profile.jobTitle,
      managerId: profile.managerId,
      hiredAt: profile.hiredAt,
      active: view.book.activeAt(user, view.asOf),
    };
  });
  const departmentNames = new Map(
    view.subjects.listed.flatMap((u) => {
      const { departmentId } = profileOf(u);
      return u.department && departmentId ? [[departmentId, u.department] as const] : [];
    }),
  );
  const departments = [...departmentNames].map(([id, name]) => ({
    id,
    name,
    headId: departmentHead(organizationId, id),
    memberCount: members.get(id) ?? 0,
  }));
  return { organization: { id: organization.id, name: organization.name }, departments, people };
}

function courseBuilderData(view: View): Data<"courseBuilder"> {
  const courses = view.subjects.courses.map((def) => ({
    id: def.course.id,
    organizationId: def.course.organizationId,
    code: def.course.code,
    title: def.course.title,
    trainerIds: def.course.trainerIds,
    modules: def.modules.map((m) => ({
      id: m.id,
      position: m.position,
      title: m.title,
      units: m.units.map((u) => ({ id: u.id, position: u.position, title: u.title, kind: u.kind, estimatedMinutes: u.estimatedMinutes })),
    })),
    history: def.history,
  }));
  const enrolments = view.subjects.people.flatMap((user) => tracks(view, user).map((track) => enrolment(view, user, track)));
  return { courses, enrolments };
}

function enrolment(view: View, user: DemoUser, track: CourseTrack): Enrolment {
  const known = (at: number | null) => (at !== null && at < view.asOf ? at : null);
  const done = track.completions.filter((c) => c.at < view.asOf);
  const startedAt = known(track.startedAt);
  const completedAt = known(track.completedAt);
  const withdrawnAt = known(track.withdrawnAt);
  const lastActivity = track.activity.filter((at) => at < view.asOf).pop() ?? null;
  const iso = (at: number | null) => (at === null ? null : isoSeconds(at));
  return {
    learnerId: user.id,
    courseId: track.def.course.id,
    enrolledAt: isoSeconds(Date.parse(track.enrolledAt)),
    startedAt: iso(startedAt),
    completedAt: iso(completedAt),
    withdrawnAt: iso(withdrawnAt),
    dueAt: iso(track.dueAt),
    status: completedAt !== null ? "completed" : withdrawnAt !== null ? "withdrawn" : startedAt !== null ? "in_progress" : "not_started",
    unitsTotal: track.def.units.length,
    unitsCompleted: done.length,
    lastActivityAt: iso(lastActivity),
    modules: track.def.modules.map((m) => {
      const inModule = done.filter((c) => c.moduleId === m.id);
      const finished = inModule.length === m.units.length ? inModule[inModule.length - 1]!.at : null;
      return { moduleId: m.id, unitsCompleted: inModule.length, unitsTotal: m.units.length, completedAt: iso(finished) };
    }),
    unitCompletions: done
      .filter((c) => c.at >= view.from)
      .map((c) => ({ unitId: c.unitId, moduleId: c.moduleId, completedAt: isoSeconds(c.at) })),
    previousAttempts: previousAttempts(user, learnerTraits(user).archetype, track.def.course.id),
  };
}

function skillsEngineData(view: View): Data<"skillsEngine"> {
  const termStart = view.book.today - TERM_DAYS * DAY_MS;
  const learners = view.subjects.people
    .filter((user) => user.role === "learner")
    .map((user) => {
      const targets: TargetSkill[] = view.book.of(user).tracks.flatMap((track) =>
        track.def.skills.map((skill) => {
          const random = createRandom(`target:${user.id}:${skill.id}`);
          const favoured = CATEGORY_DEPARTMENTS[track.def.category]?.includes(user.department ?? "") ?? false;
          const mandatory = track.def.dueDay !== null;
          const completed = track.completedAt !== null && track.completedAt < view.asOf;
          return {
            skillId: skill.id,
            targetLevel: favoured ? 4 : 3,
            currentLevel: random.int(0, 1) + (favoured ? 1 : 0) + (completed ? 1 : 0),
            importance: round(mandatory ? random.between(0.85, 1) : favoured ? random.between(0.7, 1) : random.between(0.25, 0.6)),
            source: mandatory ? "compliance" : favoured ? "role" : "manager",
            updatedAt: isoSeconds(completed ? track.completedAt! : termStart - random.int(5, 200) * DAY_MS),
          };
        }),
      );
      const extra = user.department ? catalog.extraSkills.get(user.department) : undefined;
      if (extra) {
        const random = createRandom(`target:${user.id}:${extra.id}`);
        targets.push({
          skillId: extra.id,
          targetLevel: 3,
          currentLevel: random.int(0, 2),
          importance: round(random.between(0.3, 0.8)),
          source: random.chance(0.5) ? "self" : "manager",
          updatedAt: isoSeconds(termStart - random.int(5, 300) * DAY_MS),
        });
      }
      return { learnerId: user.id, targets };
    });
  const referenced = new Set([
    ...view.subjects.courses.flatMap((c) => c.skills.map((s) => s.id)),
    ...learners.flatMap((l) => l.targets.map((t) => t.skillId)),
  ]);
  return {
    skills: [...referenced].map((id) => {
      const skill = catalog.skills.get(id)!;
      return { id, name: skill.name, category: skill.category };
    }),
    courses: view.subjects.courses.map((def) => ({
      courseId: def.course.id,
      skills: def.modules.map((m) => ({ skillId: m.skillId, weight: round(m.units.length / def.units.length) })),
    })),
    learners,
  };
}

function learnerAIData(view: View): Data<"learnerAI"> {
  const termStart = view.book.today - TERM_DAYS * DAY_MS;
  const learners = view.subjects.people
    .filter((user) => user.role === "learner")
    .map((user): LearnerInsight => {
      const journey = view.book.of(user);
      const random = createRandom(`learnerAI:${user.id}:${view.asOf}`);
      // Recent weeks weigh more: the model's forecast is a weighted average of the last four.
      const lastDay = Math.min(TERM_DAYS, Math.floor((view.asOf - termStart) / DAY_MS));
      const weeks = [0, 1, 2, 3].map((w) => {
        const days = journey.studyMinutes.slice(Math.max(0, lastDay - 7 * (w + 1)), Math.max(0, lastDay - 7 * w));
        const since = termStart + Math.max(0, lastDay - 7 * (w + 1)) * DAY_MS;
        const until = termStart + Math.max(0, lastDay - 7 * w) * DAY_MS;
        const units = journey.tracks.reduce((n, t) => n + t.completions.filter((c) => c.at >= since && c.at < until).length, 0);
        return { minutes: days.reduce((a, b) => a + b, 0), activeDays: days.filter((m) => m > 0).length, units };
      });
      const weights = [0.4, 0.3, 0.2, 0.1];
      const forecast = (pick: (w: (typeof weeks)[number]) => number) =>
        weeks.reduce((sum, w, i) => sum + pick(w) * weights[i]!, 0) * random.between(0.9, 1.1);
      const activeDays = weeks.reduce((n, w) => n + w.activeDays, 0);
      const paths = tracks(view, user).filter((t) => t.withdrawnAt === null || t.withdrawnAt >= view.asOf);
      return {
        learnerId: user.id,
        predictedWeeklyMinutes: Math.round(forecast((w) => w.minutes)),
        predictedWeeklyUnits: round(forecast((w) => w.units)),
        confidence: round(Math.min(0.95, 0.3 + activeDays / 40)),
        paths: paths.map((track) => {
          const position = track.completions.filter((c) => c.at < view.asOf).length;
          const next = track.def.units[position];
          const started = track.startedAt !== null && track.startedAt < view.asOf;
          return {
            courseId: track.def.course.id,
            position,
            length: track.def.units.length,
            currentModuleId: started && next ? next.moduleId : null,
            nextUnitId: next?.id ?? null,
          };
        }),
        recommendations: recommendations(view, journey, paths),
      };
    });
  return { modelVersion: MODEL_VERSION, learners };
}

/** Next unit, retakes of failed graded assessments, and practice for the weakest skill of each open course. */
function recommendations(view: View, journey: Journey, paths: CourseTrack[]): LearnerInsight["recommendations"] {
  const random = createRandom(`recommend:${journey.user.id}:${view.asOf}`);
  const attempts = journey.attempts.filter((a) => a.at < view.asOf).map((a) => a.value);
  const found: Omit<LearnerInsight["recommendations"][number], "rank">[] = [];
  for (const track of paths) {
    if (track.completedAt !== null && track.completedAt < view.asOf) continue;
    const courseId = track.def.course.id;
    const latest = new Map<string, boolean | null>();
    for (const a of attempts) if (a.courseId === courseId) latest.set(a.assessmentId, a.passed);
    for (const [assessmentId, passed] of latest) {
      if (passed === false)
        found.push({
          kind: "assessment",
          itemId: assessmentId,
          courseId,
          skillId: null,
          reason: "retake",
          score: round(random.between(0.8, 0.95)),
        });
    }
    const next = track.def.units[track.completions.filter((c) => c.at < view.asOf).length];
    if (next)
      found.push({
        kind: "unit",
        itemId: next.id,
        courseId,
        skillId: next.skillId,
        reason: "next_in_path",
        score: round(random.between(0.6, 0.9)),
      });
    const weakest = weakestSkill(track.def, attempts);
    if (weakest) {
      const kata = track.def.exercises.find((e) => e.unitId === null && e.skillId === weakest.skillId);
      const content = track.def.units.find((u) => u.skillId === weakest.skillId && u.contents.length > 0)?.contents[0];
      if (kata)
        found.push({
          kind: "exercise",
          itemId: kata.id,
          courseId,
          skillId: weakest.skillId,
          reason: "skill_gap",
          score: round(1 - weakest.rate),
        });
      else if (content)
        found.push({
          kind: "content",
          itemId: content.id,
          courseId,
          skillId: weakest.skillId,
          reason: "skill_gap",
          score: round(1 - weakest.rate),
        });
    }
  }
  return found
    .sort((a, b) => b.score - a.score)
    .slice(0, 5)
    .map((r, i) => ({ rank: i + 1, ...r }));
}

/** The course skill answered worst (at least three items seen, under 60 % right). */
function weakestSkill(
  def: CourseDef,
  attempts: ServicePayload<"assessment">["data"]["attempts"],
): { skillId: string; rate: number } | null {
  let weakest: { skillId: string; rate: number } | null = null;
  for (const skill of def.skills) {
    const items = attempts.filter((a) => a.courseId === def.course.id).flatMap((a) => a.items.filter((i) => i.skillId === skill.id));
    if (items.length < 3) continue;
    const rate = items.filter((i) => i.correct).length / items.length;
    if (rate < 0.6 && (weakest === null || rate < weakest.rate)) weakest = { skillId: skill.id, rate };
  }
  return weakest;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
