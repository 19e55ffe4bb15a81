import type { AssessmentAttempt, AssistantSession, ConsumptionEvent, ItemResult, LabSubmission } from "../../jobs/collect/contracts";
import { type DemoUser, demoId } from "../demo/roster";
import { DAY_MS, dayKey, HOUR_MS, isoSeconds, isWeekend, MINUTE_MS } from "./calendar";
import {
  type AssessmentDef,
  CATEGORY_DEPARTMENTS,
  type ContentDef,
  type CourseDef,
  catalog,
  courseDef,
  type ExerciseDef,
  type ModuleDef,
  type SkillDef,
  type UnitDef,
} from "./catalog";
import { engagement, type LearnerTraits, learnerTraits } from "./people";
import { population } from "./population";
import { createRandom, type Random } from "./random";

/**
 * The day-by-day life of one person over the term (the `TERM_DAYS` UTC days before today).
 * Each day draws from a generator seeded with the person and the calendar day. Learners study
 * units in order, which is when they may learn a skill (knowledge-tracing style: a skill is
 * either known or not, and each study or practice opportunity may turn it known); assessment
 * answers follow from that hidden state through the skill's guess and slip chances, so mastery
 * grows along a learning curve a model can recover. Staff only sign in, preview and ask.
 */

export const TERM_DAYS = 90;

/** A record and the instant it is filed under, kept as a number so windows filter cheaply. */
export interface Timed<T> {
  at: number;
  value: T;
}

export interface UnitCompletion {
  unitId: string;
  moduleId: string;
  at: number;
}

export interface CourseTrack {
  def: CourseDef;
  enrolledAt: string;
  dueAt: number | null;
  startedAt: number | null;
  completedAt: number | null;
  withdrawnAt: number | null;
  completions: UnitCompletion[];
  /** Every instant the learner did something in the course, ascending. */
  activity: number[];
}

export interface DailySignIn {
  /** Midnight UTC of the day. */
  at: number;
  sessions: number;
  activeMinutes: number;
  lastAt: number;
}

export interface Journey {
  user: DemoUser;
  traits: LearnerTraits | null;
  /** When the person left the organisation; null while still there. */
  leftAt: number | null;
  tracks: CourseTrack[];
  attempts: Timed<AssessmentAttempt>[];
  content: Timed<ConsumptionEvent>[];
  submissions: Timed<LabSubmission>[];
  sessions: Timed<AssistantSession>[];
  signIns: DailySignIn[];
  /** Minutes of study on each day of the term. */
  studyMinutes: number[];
}

function emptyJourney(user: DemoUser, traits: LearnerTraits | null, days = TERM_DAYS): Journey {
  const studyMinutes = Array<number>(days).fill(0);
  return { user, traits, leftAt: null, tracks: [], attempts: [], content: [], submissions: [], sessions: [], signIns: [], studyMinutes };
}

/** What a learner is doing in one course, beyond what the track records. */
interface TrackState {
  track: CourseTrack;
  startDay: number;
  nextUnit: number;
  /** Modules whose quiz is due: taken next, retaken after a failure, at most three times. */
  quizzesDue: ModuleDef[];
  attemptsTaken: Map<string, number>;
  failedLabSessions: Map<string, number>;
  /** Failed the final exam three times: the enrolment stays in progress and never completes. */
  gaveUp: boolean;
}

const MAX_ATTEMPTS = 3;
const EXIT_HOUR = 10 * HOUR_MS;

/** The term day a quitter withdraws or leaves, a few days after quitting; null for everybody else. */
function exitDay(traits: LearnerTraits): number | null {
  return traits.exit === "none" || traits.quitDay === null ? null : traits.quitDay + 5;
}

/**
 * When a person left the organisation in the term ending at `today`, or null. Derived from the
 * traits alone, so the directory can tell leavers without simulating everybody.
 */
export function departure(user: DemoUser, today: number): number | null {
  if (user.role !== "learner") return null;
  const traits = learnerTraits(user);
  const day = exitDay(traits);
  if (traits.exit !== "leaves" || day === null || day >= TERM_DAYS) return null;
  return today - TERM_DAYS * DAY_MS + day * DAY_MS + EXIT_HOUR;
}

/** The clock of a study session: moves forward as the learner works. */
interface Session {
  random: Random;
  clock: number;
  minutes: number;
}

class LearnerSimulation {
  readonly journey: Journey;
  private readonly known = new Map<string, boolean>();
  private readonly states: TrackState[];

  constructor(
    private readonly user: DemoUser,
    private readonly traits: LearnerTraits,
    private readonly termStart: number,
    private readonly days: number,
  ) {
    this.journey = emptyJourney(user, traits, days);
    const startRandom = createRandom(`starts:${user.id}`);
    let startDay = traits.startDay;
    this.states = population.enrolmentsOf(user.id).map((enrolment, index) => {
      const def = courseDef(enrolment.courseId);
      if (index > 0) startDay += startRandom.int(0, 35);
      const track: CourseTrack = {
        def,
        enrolledAt: enrolment.enrolledAt,
        dueAt: def.dueDay === null ? null : termStart + def.dueDay * DAY_MS,
        startedAt: null,
        completedAt: null,
        withdrawnAt: null,
        completions: [],
        activity: [],
      };
      this.journey.tracks.push(track);
      return { track, startDay, nextUnit: 0, quizzesDue: [], attemptsTaken: new Map(), failedLabSessions: new Map(), gaveUp: false };
    });
    for (const state of this.states) {
      const favoured = CATEGORY_DEPARTMENTS[state.track.def.category]?.includes(user.department ?? "") ?? false;
      for (const skill of state.track.def.skills) {
        const prior = createRandom(`prior:${user.id}:${skill.id}`);
        this.known.set(skill.id, prior.chance(traits.priorKnowledge + (favoured ? 0.1 : 0)));
      }
    }
  }

  run(): Journey {
    for (let day = 0; day < this.days; day += 1) this.simulateDay(day);
    return this.journey;
  }

  private simulateDay(day: number): void {
    const dayStart = this.termStart + day * DAY_MS;
    const random = createRandom(`day:${this.user.id}:${dayKey(dayStart)}`);
    const keen = engagement(this.traits, day);
    if (day === exitDay(this.traits)) this.exit(dayStart + EXIT_HOUR);
    if (this.journey.leftAt !== null) return;

    const open = this.states.filter((s) => s.startDay <= day && !this.finished(s));
    const chance = this.traits.diligence * keen * (isWeekend(dayStart) ? this.traits.weekendFactor : 1);
    const hour = Math.min(21, Math.max(6, random.normal(this.traits.studyHour, 1.5)));
    const session: Session = { random, clock: dayStart + hour * HOUR_MS, minutes: 0 };

    if (open.length > 0 && random.chance(chance)) {
      const sessionStart = session.clock;
      let tasks = Math.max(1, Math.round(random.normal(this.traits.pace * (0.5 + 0.5 * keen), 0.7)));
      let state = random.pick(open);
      while (tasks > 0) {
        if (!this.doTask(state, session)) {
          const others = open.filter((s) => s !== state && !this.finished(s));
          if (others.length === 0) break;
          state = random.pick(others);
          continue;
        }
        tasks -= 1;
      }
      if (random.chance(this.traits.helpSeeking * (this.traits.archetype === "struggling" ? 1.5 : 1))) this.askAssistant(state, session);
      this.journey.studyMinutes[day] = Math.round(session.minutes);
      this.signIn(dayStart, sessionStart, session.clock, session.minutes, random);
    } else if (random.chance(0.12 * keen + 0.02)) {
      const at = dayStart + random.between(7, 20) * HOUR_MS;
      this.journey.signIns.push({ at: dayStart, sessions: 1, activeMinutes: random.int(1, 8), lastAt: at });
    }
  }

  private finished(state: TrackState): boolean {
    return state.track.completedAt !== null || state.track.withdrawnAt !== null || state.gaveUp;
  }

  /** One learning task in the course; false when the course has nothing left to do. */
  private doTask(state: TrackState, session: Session): boolean {
    if (this.finished(state)) return false;
    const { def } = state.track;
    const quiz = state.quizzesDue[0];
    if (quiz) {
      const taken = state.attemptsTaken.get(quiz.quiz.id) ?? 0;
      if (taken > 0) this.review([this.skill(quiz.skillId)], session.random);
      const passed = this.takeAssessment(state, quiz.quiz, Array<SkillDef>(quiz.quiz.itemCount).fill(this.skill(quiz.skillId)), session);
      if (passed || taken + 1 >= MAX_ATTEMPTS) state.quizzesDue.shift();
      return true;
    }
    const unit = def.units[state.nextUnit];
    if (unit) {
      this.studyUnit(state, unit, session);
      return true;
    }
    const taken = state.attemptsTaken.get(def.exam.id) ?? 0;
    if (taken > 0) this.review(def.skills, session.random);
    const examSkills = def.skills.flatMap((s) => Array<SkillDef>(def.exam.itemCount / def.skills.length).fill(s));
    if (this.takeAssessment(state, def.exam, examSkills, session)) {
      state.track.completedAt = session.clock;
    } else if (taken + 1 >= MAX_ATTEMPTS) {
      state.gaveUp = true;
    }
    return true;
  }

  private studyUnit(state: TrackState, unit: UnitDef, session: Session): void {
    const { track } = state;
    const { random } = session;
    if (track.startedAt === null) {
      track.startedAt = session.clock;
      const intro = track.def.contents.find((c) => c.unitId === null);
      if (intro) this.consume(track, intro, session, true);
    }
    const skill = this.skill(unit.skillId);
    let unitDone = true;
    if (unit.exercise) {
      unitDone = this.practiseLab(state, unit, unit.exercise, session);
    } else {
      unit.contents.forEach((content, i) => {
        if (i === 0 || random.chance(0.5)) this.consume(track, content, session, i === 0);
      });
      this.learn(skill, this.traits.learnRate, random);
      if (unit.practice) this.takeAssessment(state, unit.practice, Array<SkillDef>(unit.practice.itemCount).fill(skill), session);
    }
    if (track.def.exercises.length > 0 && this.traits.archetype !== "struggling" && random.chance(0.08)) {
      const kata = track.def.exercises.find((e) => e.unitId === null && e.skillId === skill.id);
      if (kata) this.submitExercise(track, kata, session);
    }
    if (!unitDone) return;
    track.completions.push({ unitId: unit.id, moduleId: unit.moduleId, at: session.clock });
    track.activity.push(session.clock);
    state.nextUnit += 1;
    const module = track.def.modules.find((m) => m.id === unit.moduleId)!;
    if (module.units[module.units.length - 1] === unit) state.quizzesDue.push(module);
  }

  /** A devLab session on a lab unit; the unit counts as done once passed, or after three failed sessions. */
  private practiseLab(state: TrackState, unit: UnitDef, exercise: ExerciseDef, session: Session): boolean {
    const passed = this.submitExercise(state.track, exercise, session);
    if (passed) return true;
    const failures = (state.failedLabSessions.get(unit.id) ?? 0) + 1;
    state.failedLabSessions.set(unit.id, failures);
    return failures >= MAX_ATTEMPTS;
  }

  private submitExercise(track: CourseTrack, exercise: ExerciseDef, session: Session): boolean {
    const { random } = session;
    const skill = this.skill(exercise.skillId);
    // Hands-on work is the strongest learning opportunity the simulator has.
    this.learn(skill, this.traits.learnRate * 1.2, random);
    const known = this.known.get(skill.id) ?? false;
    const passed = random.chance(known ? 0.88 : 0.3);
    const attempts = 1 + Math.floor(random.next() * (known ? 3 : 7));
    const testsPassed = passed ? exercise.testsTotal : random.int(Math.floor(exercise.testsTotal * 0.3), exercise.testsTotal - 1);
    const factor = exercise.difficulty === "easy" ? 1 : exercise.difficulty === "medium" ? 2 : 4;
    this.advance(session, random.between(20, 55) + attempts * 3);
    this.journey.submissions.push({
      at: session.clock,
      value: {
        learnerId: this.user.id,
        exerciseId: exercise.id,
        courseId: track.def.course.id,
        skillId: skill.id,
        submittedAt: isoSeconds(session.clock),
        passed,
        attempts,
        runtimeMs: Math.round(random.between(80, 600) * factor),
        testsPassed,
        testsTotal: exercise.testsTotal,
      },
    });
    track.activity.push(session.clock);
    return passed;
  }

  private consume(track: CourseTrack, content: ContentDef, session: Session, main: boolean): void {
    const { random } = session;
    // Learners losing interest abandon content more often, then sometimes come back to it.
    const abandons = random.chance(
      main ? 0.06 + (this.traits.archetype === "drifting" || this.traits.archetype === "struggling" ? 0.12 : 0) : 0.3,
    );
    const full = content.durationSeconds ?? content.minutes * 60;
    const views = abandons && main ? [false, true] : [!abandons];
    for (const completed of views) {
      const seconds = Math.round(full * (completed ? random.between(0.8, 1.25) : random.between(0.1, 0.6)));
      this.journey.content.push({
        at: session.clock,
        value: {
          learnerId: this.user.id,
          contentId: content.id,
          courseId: track.def.course.id,
          kind: content.kind,
          startedAt: isoSeconds(session.clock),
          seconds,
          completed,
        },
      });
      track.activity.push(session.clock);
      this.advance(session, seconds / 60 + random.between(0.5, 3));
    }
  }

  /** Answers an assessment; returns whether it was passed (practice: whether all was right). */
  private takeAssessment(state: TrackState, assessment: AssessmentDef, skills: SkillDef[], session: Session): boolean {
    const { random } = session;
    const attempt = (state.attemptsTaken.get(assessment.id) ?? 0) + 1;
    state.attemptsTaken.set(assessment.id, attempt);
    const startedAt = session.clock;
    const items: ItemResult[] = skills.map((skill) => {
      const item = random.pick(skill.items);
      const known = this.known.get(skill.id) ?? false;
      const right = known ? 1 - skill.slip * (1 + 0.5 * item.difficulty) : skill.guess * (1 - 0.5 * item.difficulty);
      let score = random.chance(right) ? assessment.itemMaxScore : 0;
      if (score === 0 && assessment.itemMaxScore > 1 && random.chance(known ? 0.7 : 0.35)) score = 1;
      this.advance(session, random.between(0.5, 2));
      // Answering (and seeing the feedback) is itself a small learning opportunity.
      this.learn(skill, this.traits.learnRate * 0.3, random);
      const maxScore = assessment.itemMaxScore;
      return { itemId: item.id, skillId: skill.id, correct: score === maxScore, score, maxScore, answeredAt: isoSeconds(session.clock) };
    });
    this.advance(session, 0.2);
    const score = items.reduce((sum, i) => sum + i.score, 0);
    const passed = assessment.passMark === null ? null : score >= assessment.passMark;
    this.journey.attempts.push({
      at: session.clock,
      value: {
        id: demoId("attempt", `${this.user.id}:${assessment.id}:${attempt}`),
        assessmentId: assessment.id,
        courseId: assessment.courseId,
        learnerId: this.user.id,
        attempt,
        startedAt: isoSeconds(startedAt),
        submittedAt: isoSeconds(session.clock),
        score,
        maxScore: assessment.maxScore,
        passed,
        items,
      },
    });
    state.track.activity.push(session.clock);
    return passed ?? score === assessment.maxScore;
  }

  private askAssistant(state: TrackState, session: Session): void {
    const { random } = session;
    const unit = state.track.def.units[Math.min(state.nextUnit, state.track.def.units.length - 1)]!;
    const general = random.chance(0.1);
    const questions = random.int(1, 6);
    const helpfulVotes = random.int(0, questions);
    const unhelpfulVotes = random.int(0, Math.min(questions - helpfulVotes, 2));
    const durationSeconds = questions * random.int(40, 150);
    this.journey.sessions.push({
      at: session.clock,
      value: {
        id: demoId("assistant-session", `${this.user.id}:${session.clock}`),
        learnerId: this.user.id,
        courseId: general ? null : state.track.def.course.id,
        startedAt: isoSeconds(session.clock),
        durationSeconds,
        questions,
        helpfulVotes,
        unhelpfulVotes,
        skillIds: general ? [] : [unit.skillId],
        topics: general ? [random.pick(["study planning", "certificates", "deadlines"])] : [unit.title.toLowerCase()],
      },
    });
    this.advance(session, durationSeconds / 60);
  }

  private review(skills: SkillDef[], random: Random): void {
    for (const skill of skills) this.learn(skill, this.traits.learnRate * 0.5, random);
  }

  private learn(skill: SkillDef, rate: number, random: Random): void {
    if (!this.known.get(skill.id) && random.chance(rate)) this.known.set(skill.id, true);
  }

  private skill(id: string): SkillDef {
    return catalog.skills.get(id)!;
  }

  private advance(session: Session, minutes: number): void {
    session.clock += Math.round(minutes * MINUTE_MS);
    session.minutes += minutes;
  }

  private signIn(dayStart: number, firstAt: number, lastActivity: number, minutes: number, random: Random): void {
    const sessions = random.chance(0.3) ? 2 : 1;
    const lastAt = sessions === 2 ? firstAt + Math.round((lastActivity - firstAt) / 2) : firstAt;
    this.journey.signIns.push({
      at: dayStart,
      sessions,
      activeMinutes: Math.min(1440, Math.round(minutes + random.between(3, 15))),
      lastAt,
    });
  }

  private exit(at: number): void {
    if (this.traits.exit === "leaves") this.journey.leftAt = at;
    for (const state of this.states) if (state.track.completedAt === null) state.track.withdrawnAt = at;
  }
}

/** Trainers and admins: sign-ins on most working days, the odd content preview or question. */
function staffJourney(user: DemoUser, termStart: number): Journey {
  const journey = emptyJourney(user, null);
  const taught = population.taughtBy(user.id).map((c) => courseDef(c.id));
  for (let day = 0; day < TERM_DAYS; day += 1) {
    const dayStart = termStart + day * DAY_MS;
    const random = createRandom(`day:${user.id}:${dayKey(dayStart)}`);
    if (!random.chance(isWeekend(dayStart) ? 0.08 : 0.85)) continue;
    const firstAt = dayStart + random.between(7, 10) * HOUR_MS;
    const sessions = random.int(1, 3);
    journey.signIns.push({
      at: dayStart,
      sessions,
      activeMinutes: random.int(15, 240),
      lastAt: firstAt + (sessions - 1) * random.int(1, 4) * HOUR_MS,
    });
    const course = taught.length > 0 ? random.pick(taught) : null;
    if (course && random.chance(0.15)) {
      const content = random.pick(course.contents);
      const at = firstAt + random.int(5, 60) * MINUTE_MS;
      journey.content.push({
        at,
        value: {
          learnerId: user.id,
          contentId: content.id,
          courseId: course.course.id,
          kind: content.kind,
          startedAt: isoSeconds(at),
          seconds: random.int(30, 300),
          completed: false,
        },
      });
    }
    if (random.chance(0.04)) {
      const at = firstAt + random.int(5, 120) * MINUTE_MS;
      const skill = course ? random.pick(course.skills) : null;
      journey.sessions.push({
        at,
        value: {
          id: demoId("assistant-session", `${user.id}:${at}`),
          learnerId: user.id,
          courseId: course?.course.id ?? null,
          startedAt: isoSeconds(at),
          durationSeconds: random.int(60, 600),
          questions: random.int(1, 3),
          helpfulVotes: 0,
          unhelpfulVotes: 0,
          skillIds: skill ? [skill.id] : [],
          topics: [skill ? skill.name.toLowerCase() : "reporting"],
        },
      });
    }
  }
  return journey;
}

/**
 * The whole term of one person, the term being the `TERM_DAYS` days before `today` (a UTC midnight).
 * `days` beyond the term let the designed outcomes look past today: the first `TERM_DAYS` days
 * replay exactly, since every draw is keyed by person and calendar day.
 */
export function simulateJourney(user: DemoUser, today: number, days = TERM_DAYS): Journey {
  const termStart = today - TERM_DAYS * DAY_MS;
  return user.role === "learner" ? new LearnerSimulation(user, learnerTraits(user), termStart, days).run() : staffJourney(user, termStart);
}
