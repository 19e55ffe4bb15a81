import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planWebhookRuns, type Subject } from "./webhooks";

const org = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const subjects = (organizationId: string, count: number, prefix: string): Subject[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${organizationId}-${i}`, organizationId }));

describe("planWebhookRuns", () => {
  it("queues one run per subject up to the bound, and one organisation run past it", () => {
    expect(planWebhookRuns(subjects(org(1), 20, "u"), [], 20)).toHaveLength(20);
    const learners = subjects(org(1), 15, "u");
    const courses = subjects(org(1), 6, "c");
    expect(planWebhookRuns(learners, courses, 20)).toEqual([
      { organizationId: org(1), scope: "organization", scopeId: org(1), coalesced: [...learners, ...courses].map((s) => s.id) },
    ]);
  });

  it("bounds each organisation on its own", () => {
    const plan = planWebhookRuns([...subjects(org(1), 30, "u"), ...subjects(org(2), 2, "u")], subjects(org(2), 1, "c"), 20);
    expect(plan.map((run) => [run.scope, run.organizationId])).toEqual([
      ["organization", org(1)],
      ["user", org(2)],
      ["user", org(2)],
      ["course", org(2)],
    ]);
  });

  it("never queues more than the bound per organisation, and covers every subject exactly once", () => {
    const subject = fc.record({ id: fc.uuid(), organizationId: fc.constantFrom(org(1), org(2), org(3)) });
    fc.assert(
      fc.property(
        fc.uniqueArray(subject, { selector: (s) => s.id, maxLength: 80 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 30 }),
        (all, split, max) => {
          const [learners, courses] = [all.slice(0, split), all.slice(split)];
          const plan = planWebhookRuns(learners, courses, max);
          for (const organizationId of [org(1), org(2), org(3)])
            expect(plan.filter((run) => run.organizationId === organizationId).length).toBeLessThanOrEqual(max);
          const covered = plan.flatMap((run) => run.coalesced ?? [run.scopeId]);
          expect(covered.sort()).toEqual(all.map((s) => s.id).sort());
          for (const run of plan) if (run.scope === "organization") expect(run.scopeId).toBe(run.organizationId);
        },
      ),
    );
  });
});
