import { describe, expect, it } from "vitest";
import { type BktParams, DEFAULT_BKT_PARAMS, traceLearner } from "../math";
import { gatherEvidence, type LearnerSnapshots } from "./evidence";
import { learnerMetrics } from "./learner-metrics";

const now = new Date("2026-11-24T00:00:00Z");
const me = "11111111-1111-4111-8111-111111111111";
const course = "22222222-2222-4222-8222-222222222222";
const done = "33333333-3333-4333-8333-333333333333";
const skill = "44444444-4444-4444-8444-444444444444";
const uid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const day = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
const envelope = (service: string) => ({
  service,
  scope: { type: "user", id: me },
  generatedAt: now.toISOString(),
  window: { from: day(90), to: now.toISOString() },
});

const enrolment = (courseId: string, status: "in_progress" | "completed", completions: number[]) => ({
  learnerId: me,
  courseId,
  enrolledAt: day(80),
  startedAt: day(70),
  completedAt: status === "completed" ? day(5) : null,
  withdrawnAt: null,
  dueAt: day(-20),
  status,
  unitsTotal: 10,
  unitsCompleted: completions.length,
  lastActivityAt: day(1),
  modules: [],
  unitCompletions: completions.map((d, i) => ({ unitId: uid(100 + i), moduleId: uid(1), completedAt: day(d) })),
});

/** Four units done in the window (one of them 120 days ago, outside it), five answers on one skill. */
const snapshots = {
  courseBuilder: {
    ...envelope("courseBuilder"),
    data: { courses: [], enrolments: [enrolment(course, "in_progress", [3, 10, 17, 24, 120]), enrolment(done, "completed", [])] },
  },
  assessment: {
    ...envelope("assessment"),
    data: {
      assessments: [],
      attempts: [
        {
          id: uid(2),
          assessmentId: uid(3),
          courseId: course,
          learnerId: me,
          attempt: 1,
          startedAt: day(20),
          submittedAt: day(20),
          score: 3,
          maxScore: 5,
          passed: true,
          items: [false, false, true, true, true].map((correct, i) => ({
            itemId: uid(10 + i),
            skillId: skill,
            correct,
            score: correct ? 1 : 0,
            maxScore: 1,
            answeredAt: day(20 - i * 0.01),
          })),
        },
      ],
    },
  },
  skillsEngine: {
    ...envelope("skillsEngine"),
    data: {
      skills: [{ id: skill, name: "Generics", category: "TypeScript" }],
      courses: [],
      learners: [
        {
          learnerId: me,
          targets: [{ skillId: skill, targetLevel: 4, currentLevel: 2, importance: 0.5, source: "role", updatedAt: day(30) }],
        },
      ],
    },
  },
  auth: {
    ...envelope("auth"),
    data: { users: [{ userId: me, lastSignInAt: day(1), days: [{ day: day(1).slice(0, 10), sessions: 2, activeMinutes: 40 }] }] },
  },
} as unknown as LearnerSnapshots;

describe("learnerMetrics", () => {
  const evidence = gatherEvidence(me, snapshots);

  it("says which sources it had", () => {
    expect(evidence.sources).toMatchObject({ courseBuilder: "ok", assessment: "ok", devLab: "missing", ragAssistant: "missing" });
  });

  it("counts units completed in the 90-day window only", () => {
    const metrics = learnerMetrics(evidence, new Map(), now);
    expect(metrics.velocity.units).toBe(4);
    expect(metrics.velocity.peerPercentile).toBeNull();
  });

  it("traces mastery with the organisation's fitted parameters, else the defaults", () => {
    const answers = [false, false, true, true, true];
    const fitted: BktParams = { pInit: 0.1, pLearn: 0.3, pGuess: 0.15, pSlip: 0.05, pForget: 0.02 };
    const byDefault = learnerMetrics(evidence, new Map(), now).mastery.skills[0]!;
    const byFit = learnerMetrics(evidence, new Map([[skill, fitted]]), now).mastery.skills[0]!;
    expect(byDefault).toMatchObject({ skillId: skill, name: "Generics", responses: 5 });
    // The learner's answers all touch this one skill, so the trace over them is the skill's.
    const traced = (params: BktParams) =>
      traceLearner(
        answers.map((correct) => ({ skillId: skill, correct })),
        () => params,
      ).skills.get(skill);
    expect(byDefault.probability).toBeCloseTo(traced(DEFAULT_BKT_PARAMS)?.mastery ?? Number.NaN, 4);
    expect(byFit.probability).toBeCloseTo(traced(fitted)?.mastery ?? Number.NaN, 4);
    expect(byFit.masteryReachable).toBe(true);
  });

  it("ranks the target skill as a gap weighted by importance and (1 − mastery)", () => {
    const metrics = learnerMetrics(evidence, new Map(), now);
    const mastery = metrics.mastery.skills[0]!.probability;
    // gap = (4 − 2) / 5 = 0.4; priority = 0.4 × 0.5 × (1 − mastery)
    expect(metrics.skillGaps[0]!.priority).toBeCloseTo(0.4 * 0.5 * (1 - mastery), 4);
  });

  it("has no risk for a completed course, and a risk with factors for the one in progress", () => {
    const { courses, atRisk } = learnerMetrics(evidence, new Map(), now);
    expect(courses.find((c) => c.courseId === done)!.atRisk).toEqual({ status: "completed", probability: null, factors: [] });
    const open = courses.find((c) => c.courseId === course)!;
    expect(open.atRisk.probability).toBeGreaterThan(0);
    expect(open.atRisk.probability).toBeLessThan(1);
    expect(open.atRisk.factors.length).toBeGreaterThan(0);
    expect(atRisk.courseId).toBe(course);
    expect(open.averageScore).toBe(0.6);
    expect(open.progress).toBe(0.5);
  });

  it("scores engagement only on what the answering sources can tell", () => {
    const { engagement } = learnerMetrics(evidence, new Map(), now);
    expect(engagement.score).toBeGreaterThanOrEqual(0);
    expect(engagement.score).toBeLessThanOrEqual(100);
    expect(Object.keys(engagement.components).sort()).toEqual(["regularity", "time"]);
  });

  it("is pure: the same evidence and clock give the same figures", () => {
    expect(learnerMetrics(evidence, new Map(), now)).toEqual(learnerMetrics(evidence, new Map(), now));
  });
});
