import { describe, expect, it } from "vitest";
import { AT_RISK_THRESHOLD, atRiskFeatures, DAY_MS } from "../math";
import {
  atRiskInput,
  cohortMeanScores,
  courseFailRate,
  courseRisk,
  EMPTY_RISK_CONTEXT,
  type RiskEnrolment,
  type RiskEvidence,
} from "./course-risk";

/**
 * A 120-day course as the upstream services describe it (contract v2): four module quizzes due on
 * days 20, 40, 60 and 80 (20 % of the grade each), a final exam due on day 118 (20 %), and
 * ungraded practice without a deadline. The learners are seen on day 66.
 */
const START = Date.UTC(2025, 0, 6);
const day = (d: number) => new Date(START + d * DAY_MS).toISOString();
const NOW = new Date(START + 66 * DAY_MS);
const COURSE = "c0000000-0000-4000-8000-000000000001";
const QUIZZES = [20, 40, 60, 80].map((due, i) => ({
  id: `quiz-${i + 1}`,
  courseId: COURSE,
  moduleId: `module-${i + 1}`,
  kind: "quiz" as const,
  title: `Module ${i + 1} quiz`,
  maxScore: 20,
  passMark: 12,
  itemCount: 10,
  dueAt: day(due),
  weight: 20,
}));
const ASSESSMENTS = [
  ...QUIZZES,
  {
    id: "exam",
    courseId: COURSE,
    moduleId: null,
    kind: "exam" as const,
    title: "Final exam",
    maxScore: 50,
    passMark: 30,
    itemCount: 25,
    dueAt: day(118),
    weight: 20,
  },
  {
    id: "practice",
    courseId: COURSE,
    moduleId: "module-1",
    kind: "practice" as const,
    title: "Warm-up",
    maxScore: 5,
    passMark: null,
    itemCount: 5,
    dueAt: null,
    weight: 0,
  },
];
/** Cohort means the analyze step would read from SQL for this course. */
const CONTEXT = {
  cohortMeanScores: new Map([
    ["quiz-1", 0.72],
    ["quiz-2", 0.7],
    ["quiz-3", 0.69],
  ]),
  courseFailRate: 0.22,
};

const attempt = (assessmentId: string, submittedDay: number, share: number, maxScore = 20) => ({
  id: `${assessmentId}-${submittedDay}`,
  assessmentId,
  courseId: COURSE,
  learnerId: "l1",
  attempt: 1,
  startedAt: day(submittedDay - 0.05),
  submittedAt: day(submittedDay),
  score: share * maxScore,
  maxScore,
  passed: share >= 0.6,
  items: [],
});

function enrolment(overrides: Partial<RiskEnrolment> & { unitsCompleted: number }): RiskEnrolment {
  const { unitsCompleted, ...rest } = overrides;
  return {
    courseId: COURSE,
    enrolledAt: day(-10),
    startedAt: day(0),
    completedAt: null,
    withdrawnAt: null,
    dueAt: day(120),
    status: "in_progress",
    previousAttempts: 0,
    unitCompletions: Array.from({ length: unitsCompleted }, (_, i) => ({ completedAt: day((i * 50) / Math.max(1, unitsCompleted)) })),
    ...rest,
  };
}

function evidence(attempts: ReturnType<typeof attempt>[], activeDays: number[]): RiskEvidence {
  return {
    sources: { contentStudio: "ok", devLab: "ok", ragAssistant: "ok" },
    enrolments: [{ status: "in_progress" }],
    assessments: ASSESSMENTS,
    attempts,
    contentEvents: activeDays.map((d) => ({ courseId: COURSE, startedAt: day(d) })),
    labSubmissions: [],
    assistantSessions: [],
  };
}

/** On time every time, 89 % on average, active every other day, 90 % of the units done. */
const engaged = {
  evidence: evidence(
    [attempt("practice", 5, 1, 5), attempt("quiz-1", 18, 0.9), attempt("quiz-2", 37, 0.85), attempt("quiz-3", 58, 0.92)],
    Array.from({ length: 33 }, (_, i) => 2 * i),
  ),
  enrolment: enrolment({ unitsCompleted: 27 }),
};
/** Passed the first quiz narrowly, missed the quizzes due on days 40 and 60, last seen on day 50 (16 days ago). */
const struggling = {
  evidence: evidence([attempt("quiz-1", 20, 0.55)], [1, 5, 12, 19, 30, 50]),
  enrolment: enrolment({ unitsCompleted: 8 }),
};

describe("atRiskInput", () => {
  it("reads deadlines, weights, first submission, best score and cohort means from the contract shapes", () => {
    const retaken = evidence([attempt("quiz-1", 19, 0.5), attempt("quiz-1", 22, 0.8), attempt("quiz-2", 70, 1)], [3]);
    const input = atRiskInput(retaken, engaged.enrolment, NOW, CONTEXT);
    expect(input).toMatchObject({ asOfDay: 66, courseLengthDays: 120, registrationDay: -10, priorAttempts: 0, concurrentCourses: 1 });
    expect(input.courseFailRate).toBe(0.22);
    expect(input.assessments[0]).toEqual({ id: "quiz-1", dueDay: 20, weight: 20, submittedDay: 19, score: 0.8, cohortMeanScore: 0.72 });
    // quiz-2 is submitted on day 70, after `now`: not known yet.
    expect(input.assessments[1]).toMatchObject({ id: "quiz-2", submittedDay: null, score: null });
    expect(input.assessments[5]).toMatchObject({ id: "practice", dueDay: null, weight: 0 });
  });

  it("leaves activity unknown, not zero, when no activity service answered", () => {
    const silent = { ...struggling.evidence, sources: { contentStudio: "missing", devLab: "missing", ragAssistant: "missing" } as const };
    expect(atRiskInput(silent, struggling.enrolment, NOW, CONTEXT).activityDays).toBeUndefined();
    const features = atRiskFeatures(atRiskInput(silent, struggling.enrolment, NOW, CONTEXT));
    expect(features.activeShare).toBeNull();
    expect(features.sinceActivity).toBeNull();
    // With the services: last active on day 50, 16 days before day 66 (16/120 is over the 0.1 cap).
    expect(atRiskFeatures(atRiskInput(struggling.evidence, struggling.enrolment, NOW, CONTEXT)).sinceActivity).toBeCloseTo(0.1, 12);
  });
});

describe("courseRisk", () => {
  it("rates an engaged learner with 89 % scores low and does not flag them", () => {
    const risk = courseRisk(engaged.evidence, engaged.enrolment, NOW, CONTEXT);
    expect(risk.status).toBe("not_at_risk");
    expect(risk.probability).toBeLessThan(0.1);
    expect(risk.probability).toBeLessThan(AT_RISK_THRESHOLD);
    for (const factor of risk.factors) expect(factor.contribution).toBeGreaterThan(0);
  });

  it("flags a learner who missed the last two assessments, with labelled factors that raise the risk", () => {
    const risk = courseRisk(struggling.evidence, struggling.enrolment, NOW, CONTEXT);
    expect(risk.status).toBe("at_risk");
    expect(risk.probability).toBeGreaterThan(0.6);
    expect(risk.factors.length).toBeGreaterThan(0);
    expect(risk.factors.length).toBeLessThanOrEqual(3);
    expect(risk.factors).toContainEqual(
      expect.objectContaining({ feature: "lastMissed", label: "Missed the last assessment", display: "yes", value: 1 }),
    );
    for (const [i, factor] of risk.factors.entries()) {
      expect(factor.contribution).toBeGreaterThan(0);
      expect(factor.label).not.toMatch(/[a-z][A-Z]/);
      if (i > 0) expect(factor.contribution).toBeLessThanOrEqual(risk.factors[i - 1]!.contribution);
    }
  });

  it("does not score a withdrawn enrolment, whether by status or by a past withdrawal date", () => {
    const withdrawn = enrolment({ unitsCompleted: 8, status: "withdrawn", withdrawnAt: day(30) });
    expect(courseRisk(struggling.evidence, withdrawn, NOW, CONTEXT)).toEqual({ status: "withdrawn", probability: null, factors: [] });
    const leaving = enrolment({ unitsCompleted: 8, withdrawnAt: day(66) });
    expect(courseRisk(struggling.evidence, leaving, NOW, CONTEXT).status).toBe("withdrawn");
    // A withdrawal dated after `now` has not happened yet.
    const later = enrolment({ unitsCompleted: 8, withdrawnAt: day(70) });
    expect(courseRisk(struggling.evidence, later, NOW, CONTEXT).status).toBe("at_risk");
  });

  it("does not score a completed enrolment", () => {
    const completed = enrolment({ unitsCompleted: 30, status: "completed", completedAt: day(60) });
    expect(courseRisk(engaged.evidence, completed, NOW, EMPTY_RISK_CONTEXT)).toEqual({
      status: "completed",
      probability: null,
      factors: [],
    });
  });
});

describe("cohort context definitions", () => {
  const scored = (learnerId: string, assessmentId: string, submittedDay: number, score: number) => ({
    learnerId,
    assessmentId,
    submittedAt: day(submittedDay),
    score,
    maxScore: 20,
  });

  it("cohort mean = mean of each learner's best score share, from min-group-size learners, as known at the time", () => {
    const attempts = [
      scored("a", "q", 10, 10),
      scored("a", "q", 12, 16), // a's best: 0.8
      scored("b", "q", 10, 12), // 0.6
      scored("c", "q", 11, 14), // 0.7
      scored("d", "q", 11, 20), // 1.0
      scored("e", "q", 12, 8), // 0.4
      scored("f", "q", 70, 0), // after now: unknown
      scored("a", "small", 10, 20),
      scored("b", "small", 10, 20),
    ];
    // (0.8 + 0.6 + 0.7 + 1.0 + 0.4) / 5 = 0.7; "small" has 2 learners < 5: absent.
    const means = cohortMeanScores(attempts, NOW, 5);
    expect([...means.keys()]).toEqual(["q"]);
    expect(means.get("q")).toBeCloseTo(0.7, 12);
    expect(cohortMeanScores(attempts, NOW, 6).size).toBe(0);
  });

  it("course fail rate = Σ (failed + withdrawn) / Σ learners over earlier offerings of min-group-size learners", () => {
    const history = [
      { learners: 40, failed: 6, withdrawn: 4 },
      { learners: 20, failed: 2, withdrawn: 3 },
      { learners: 3, failed: 3, withdrawn: 0 },
    ];
    // (6 + 4 + 2 + 3) / (40 + 20) = 0.25; the 3-learner offering is left out.
    expect(courseFailRate(history, 5)).toBeCloseTo(0.25, 12);
    expect(courseFailRate(history.slice(2), 5)).toBeNull();
    expect(courseFailRate([], 5)).toBeNull();
  });
});
