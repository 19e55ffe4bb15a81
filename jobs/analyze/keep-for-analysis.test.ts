import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roster } from "../../dev/demo/roster";
import { startSimulator } from "../../dev/simulator/server";
import type { StandIn } from "../../dev/stand-in";
import { payloadSchemas, SERVICES } from "../collect/contracts";
import type { BktParams } from "../math";
import { gatherEvidence, type LearnerSnapshots } from "./evidence";
import { keepForAnalysis } from "./keep-for-analysis";
import { learnerMetrics } from "./learner-metrics";

const NOW = new Date("2026-11-24T15:30:00Z");
// Every 37th demo learner: strong, steady, struggling and drifting ones, in several courses.
const LEARNERS = roster.users.filter((u) => u.role === "learner").filter((_, i) => i % 37 === 0);
/** Fitted-looking parameters for the first learner's skills, so mastery is not computed from the defaults only. */
let models = new Map<string, BktParams>();

let sim: StandIn;
const full = new Map<string, LearnerSnapshots>();

beforeAll(async () => {
  sim = await startSimulator({ now: () => NOW });
  for (const learner of LEARNERS) {
    const snapshots: Record<string, unknown> = {};
    for (const service of SERVICES) {
      const response = await fetch(`${sim.url}/${service}/api/v1/analytics-data?userId=${learner.id}`, {
        headers: { authorization: "Bearer service-token" },
      });
      snapshots[service] = payloadSchemas[service].parse(await response.json());
    }
    full.set(learner.id, snapshots as LearnerSnapshots);
  }
  const skills = full.get(LEARNERS[0]?.id ?? "")?.assessment?.data.attempts.flatMap((a) => a.items.map((item) => item.skillId)) ?? [];
  models = new Map([...new Set(skills)].map((skillId) => [skillId, { pInit: 0.2, pLearn: 0.15, pGuess: 0.2, pSlip: 0.1, pForget: 0.02 }]));
});
afterAll(async () => {
  await sim?.close();
});

const size = (value: unknown) => JSON.stringify(value).length;

describe("keepForAnalysis", () => {
  it("gives the same learner metrics as the full payloads, for several demo learners", () => {
    expect(LEARNERS.length).toBeGreaterThanOrEqual(6);
    expect(models.size).toBeGreaterThan(0);
    for (const learner of LEARNERS) {
      const snapshots = full.get(learner.id) ?? {};
      const fromFull = learnerMetrics(gatherEvidence(learner.id, snapshots), models, NOW);
      const fromKept = learnerMetrics(gatherEvidence(learner.id, keepForAnalysis(learner.id, snapshots)), models, NOW);
      // The comparison means something: these learners have courses, answers and activity.
      expect(fromFull.courses.length).toBeGreaterThan(0);
      expect(fromFull.mastery.skills.length).toBeGreaterThan(0);
      expect(fromKept).toEqual(fromFull);
    }
  });

  it("keeps each payload within its contract, and smaller or equal", () => {
    for (const learner of LEARNERS) {
      const snapshots = full.get(learner.id) ?? {};
      const kept = keepForAnalysis(learner.id, snapshots);
      expect(Object.keys(kept).sort()).toEqual(Object.keys(snapshots).sort());
      for (const service of SERVICES) {
        expect(payloadSchemas[service].safeParse(kept[service]).success).toBe(true);
        expect(size(kept[service])).toBeLessThanOrEqual(size(snapshots[service]));
      }
    }
  });

  it("keeps the contract version 2 fields the at-risk mapping reads: deadlines, weights, course history, previous attempts", () => {
    for (const learner of LEARNERS) {
      const snapshots = full.get(learner.id) ?? {};
      const kept = keepForAnalysis(learner.id, snapshots);
      expect(kept.assessment?.data.assessments.every((a) => a.weight !== undefined && a.dueAt !== undefined)).toBe(true);
      expect(kept.courseBuilder?.data.courses.every((c) => (c.history?.length ?? 0) >= 2)).toBe(true);
      expect(kept.courseBuilder?.data.enrolments.map((e) => e.previousAttempts)).toEqual(
        snapshots.courseBuilder?.data.enrolments.filter((e) => e.learnerId === learner.id).map((e) => e.previousAttempts),
      );
    }
  });

  it("drops other learners' rows and the catalogue nobody of theirs refers to (hand-made payloads)", () => {
    const me = "00000000-0000-4000-8000-000000000001";
    const other = "00000000-0000-4000-8000-000000000002";
    const envelope = {
      scope: { type: "user" as const, id: me },
      generatedAt: "2026-11-24T00:00:00Z",
      window: { from: "2026-08-26T00:00:00Z", to: "2026-11-24T00:00:00Z" },
    };
    const content = (id: string) => ({ id, courseId: "c1", unitId: null, kind: "video" as const, title: id, durationSeconds: 60 });
    const event = (learnerId: string, contentId: string) => ({
      learnerId,
      contentId,
      courseId: "c1",
      kind: "video" as const,
      startedAt: "2026-11-01T10:00:00Z",
      seconds: 60,
      completed: true,
    });
    const kept = keepForAnalysis(me, {
      contentStudio: {
        service: "contentStudio",
        ...envelope,
        data: {
          contents: [content("seen"), content("unseen"), content("seen-by-other")],
          events: [event(me, "seen"), event(other, "seen-by-other")],
        },
      },
      ragAssistant: { service: "ragAssistant", ...envelope, data: { sessions: [] } },
    });
    expect(kept.contentStudio?.data).toEqual({ contents: [content("seen")], events: [event(me, "seen")] });
    expect(kept.ragAssistant?.data).toEqual({ sessions: [] });
    expect(Object.keys(kept)).toEqual(["contentStudio", "ragAssistant"]);
  });
});
