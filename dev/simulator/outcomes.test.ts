import { describe, expect, it } from "vitest";
import { roster } from "../demo/roster";
import { simulateJourney } from "./journey";
import { countOutcomes, type DesignedEnrolment, designedOutcomes } from "./outcomes";

const TODAY = Date.UTC(2026, 10, 24);
const acme = roster.organizations.find((o) => o.slug === "acme")!;

describe("designedOutcomes", () => {
  const rows = designedOutcomes(acme.id, TODAY);

  it("lists every enrolment of the organisation's learners, the same way each time", () => {
    const acmeLearners = new Set(roster.users.filter((u) => u.organizationId === acme.id && u.role === "learner").map((u) => u.id));
    expect(rows).toHaveLength(roster.enrolments.filter((e) => acmeLearners.has(e.userId)).length);
    expect(designedOutcomes(acme.id, TODAY)).toEqual(rows);
  });

  it("reports today's status as the term's own simulation does: looking past today replays the term exactly", () => {
    for (const user of roster.users.filter((u) => u.organizationId === acme.id && u.role === "learner").slice(0, 40)) {
      const tracks = simulateJourney(user, TODAY).tracks;
      const mine = rows.filter((r) => r.learnerId === user.id);
      expect(mine.map((r) => r.status)).toEqual(
        tracks.map((t) =>
          t.completedAt !== null
            ? "completed"
            : t.withdrawnAt !== null
              ? "withdrawn"
              : t.startedAt !== null
                ? "in_progress"
                : "not_started",
        ),
      );
    }
  });

  it("puts drifting learners' open enrolments at risk, and withdrawals only where a drifting learner quit", () => {
    for (const row of rows) {
      if (row.outcome === "withdrawn") expect(row.archetype).toBe("drifting");
      if (row.archetype === "drifting" && (row.status === "in_progress" || row.status === "not_started"))
        expect(row.outcome).toBe("at risk (drifting/quitting)");
    }
    // The pinned demo account drifting away without quitting.
    expect(rows.find((r) => r.email === "learner2@acme.test")?.outcome).toBe("at risk (drifting/quitting)");
  });
});

describe("countOutcomes", () => {
  const row = (learnerId: string, status: DesignedEnrolment["status"], outcome: DesignedEnrolment["outcome"]): DesignedEnrolment => ({
    learnerId,
    email: `${learnerId}@acme.test`,
    courseId: "c",
    courseCode: "TS-101",
    archetype: "steady",
    status,
    outcome,
  });

  it("counts learners once however many enrolments they have, and in-progress enrolments apart from not-started ones", () => {
    const counts = countOutcomes([
      row("a", "in_progress", "at risk (drifting/quitting)"),
      row("a", "not_started", "at risk (drifting/quitting)"),
      row("b", "in_progress", "at risk (too slow to finish by the close)"),
      row("b", "completed", "completed"),
      row("c", "in_progress", "completes"),
      row("d", "withdrawn", "withdrawn"),
    ]);
    expect(counts).toEqual({
      learners: 4,
      learnersAtRisk: 2,
      learnersDrifting: 1,
      enrolments: {
        completed: 1,
        withdrawn: 1,
        completes: 1,
        "at risk (drifting/quitting)": 2,
        "at risk (too slow to finish by the close)": 1,
      },
      inProgress: 3,
      inProgressAtRisk: 2,
      notStarted: 1,
    });
  });
});
