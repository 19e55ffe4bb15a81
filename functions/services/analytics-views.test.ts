import { describe, expect, it } from "vitest";
import { type LearnerMetrics, storedLearnerMetrics } from "../../jobs/analyze/learner-metrics";
import { type EnrolledRow, trainerView } from "./analytics-views";

const COURSE = { id: "c0000000-0000-4000-8000-000000000001", code: "TS-101", title: "TypeScript" };
const userId = (n: number) => `u0000000-0000-4000-8000-00000000000${n}`;
const factor = (feature: string, label: string, display: string, contribution: number) => ({
  feature,
  label,
  value: 0.5,
  display,
  contribution,
});

/** The part of a learner's stored analytics the trainer answer reads, for one enrolment in COURSE. */
function metrics(status: string, atRisk: object): LearnerMetrics {
  const figures = { unitsCompleted: 1, completed: false, averageScore: 0.6, courseId: COURSE.id, scoredAttempts: 1 };
  return storedLearnerMetrics({
    window: { from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z" },
    sources: {},
    ranges: { "30d": { courses: [figures] } },
    courses: [{ courseId: COURSE.id, status, progress: 0.5, atRisk }],
  });
}

const row = (n: number, name: string, m: LearnerMetrics): EnrolledRow => ({
  courseId: COURSE.id,
  userId: userId(n),
  name,
  runId: "r0000000-0000-4000-8000-000000000001",
  metrics: m,
  computedAt: new Date("2026-03-01T02:00:00Z"),
});

describe("a trainer's at-risk learners", () => {
  const rows = [
    row(
      1,
      "Ada",
      metrics("in_progress", {
        status: "at_risk",
        probability: 0.61234,
        factors: [factor("lastMissed", "Missed the last assessment", "yes", 0.81)],
      }),
    ),
    row(
      2,
      "Ben",
      metrics("in_progress", {
        status: "at_risk",
        probability: 0.9,
        factors: [
          factor("sinceActivity", "No activity for", "16 days", 1.2),
          factor("lateShare", "Submissions past the deadline", "10 %", 0.00004),
        ],
      }),
    ),
    row(3, "Cy", metrics("withdrawn", { status: "withdrawn", probability: null, factors: [] })),
    row(4, "Di", metrics("completed", { status: "completed", probability: null, factors: [] })),
    row(5, "Ed", metrics("in_progress", { status: "not_at_risk", probability: 0.2, factors: [] })),
    // Analysed before statuses were stored: another model's 0.95 under another threshold, a factor named in code.
    row(6, "Flo", metrics("withdrawn", { probability: 0.95, factors: [{ feature: "earnedShare", value: 0, contribution: 2 }] })),
  ];
  const course = trainerView(userId(9), [COURSE], rows, "30d", null).courses[0]!;

  it("lists only at_risk enrolments, highest probability first, with labelled factors that visibly raise the risk", () => {
    expect(course.atRiskLearners).toEqual([
      {
        userId: userId(2),
        name: "Ben",
        probability: 0.9,
        // 0.00004 rounds to 0 at 4 decimals: it does not visibly raise the risk, so it is left out.
        factors: [{ feature: "sinceActivity", label: "No activity for", value: 0.5, display: "16 days", contribution: 1.2 }],
      },
      {
        userId: userId(1),
        name: "Ada",
        probability: 0.6123,
        factors: [{ feature: "lastMissed", label: "Missed the last assessment", value: 0.5, display: "yes", contribution: 0.81 }],
      },
    ]);
  });

  it("reads a row analysed before statuses as not analysed yet (a run replaces it), never as at risk", () => {
    expect(course.coverage).toEqual({ analysed: 5, total: 6 });
    expect(course.atRiskLearners.map((l) => l.name)).not.toContain("Flo");
  });
});
