import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payloadSchemas, SERVICES, type ServiceName, type ServicePayload } from "../../jobs/collect/contracts";
import { roster } from "../demo/roster";
import { syntheticOrganization } from "../demo/synthetic";
import type { StandIn } from "../stand-in";
import { startSimulator } from "./server";

const NOW = new Date("2026-11-24T15:30:00Z");
const synthetic = syntheticOrganization(120);
const learner = synthetic.users.find((u) => u.email === "learner00001@scale.test")!;
const course = synthetic.courses.find((c) => synthetic.enrolments.some((e) => e.userId === learner.id && e.courseId === c.id))!;

const demoCourse = roster.courses.find((c) => c.code === course.plan)!;

let sim: StandIn;

async function payload<S extends ServiceName>(service: S, query: string): Promise<ServicePayload<S>> {
  const response = await fetch(`${sim.url}/${service}/api/v1/analytics-data?${query}`, { headers: { authorization: "Bearer x" } });
  expect(response.status).toBe(200);
  return payloadSchemas[service].parse(await response.json()) as ServicePayload<S>;
}

beforeAll(async () => {
  sim = await startSimulator({ now: () => NOW, extraRoster: synthetic });
});
afterAll(async () => {
  await sim.close();
});

describe("a synthetic organisation", () => {
  it.each(SERVICES)("%s answers for one of its learners within the contract", async (service) => {
    const body = await payload(service, `userId=${learner.id}`);
    expect(body.scope).toEqual({ type: "user", id: learner.id });
  });

  it("lists the learner in the organisation's directory, and the course they take under its cohort code", async () => {
    const directory = await payload("directory", `userId=${learner.id}`);
    expect(directory.data.organization).toEqual({ id: synthetic.organization.id, name: "Scale Corp" });
    expect(directory.data.people).toEqual([expect.objectContaining({ id: learner.id, email: learner.email, role: "learner" })]);
    const memberCount = directory.data.departments[0]?.memberCount ?? 0;
    const inDepartment = synthetic.users.filter((u) => u.department === learner.department).length;
    // Everybody of the department, less any who left during the term.
    expect(memberCount).toBeGreaterThan(0);
    expect(memberCount).toBeLessThanOrEqual(inDepartment);

    const builder = await payload("courseBuilder", `userId=${learner.id}`);
    expect(builder.data.courses.map((c) => c.code)).toContain(course.code);
    expect(builder.data.enrolments.map((e) => e.courseId)).toContain(course.id);
  });

  it("follows its course's plan with units of its own", async () => {
    const builder = await payload("courseBuilder", `courseId=${course.id}`);
    const [served] = builder.data.courses;
    expect(served?.id).toBe(course.id);
    expect(served?.modules.length).toBeGreaterThan(0);
    // A cohort's units are not the demo course's: ids come from the cohort code.
    const demo = await payload("courseBuilder", `courseId=${demoCourse.id}`);
    const demoUnits = new Set(demo.data.courses[0]?.modules.flatMap((m) => m.units.map((u) => u.id)));
    expect(served?.modules.flatMap((m) => m.units).some((u) => demoUnits.has(u.id))).toBe(false);
    expect(served?.modules.map((m) => m.title)).toEqual(demo.data.courses[0]?.modules.map((m) => m.title));
    expect(builder.data.enrolments).toHaveLength(synthetic.enrolments.filter((e) => e.courseId === course.id).length);
  });

  it("gives the cohort its plan's deadlines and weights, and earlier offerings of its own", async () => {
    const graded = async (courseId: string) =>
      (await payload("assessment", `courseId=${courseId}`)).data.assessments
        .filter((a) => a.kind !== "practice")
        .map((a) => [a.kind, a.dueAt, a.weight]);
    expect(await graded(course.id)).toEqual(await graded(demoCourse.id));
    const history = async (courseId: string) => (await payload("courseBuilder", `courseId=${courseId}`)).data.courses[0]?.history;
    const own = await history(course.id);
    expect(own?.length).toBeGreaterThanOrEqual(2);
    expect(own).not.toEqual(await history(demoCourse.id));
  });

  it("starts again with the same organisation, and refuses it with other people", async () => {
    const again = await startSimulator({ now: () => NOW, extraRoster: syntheticOrganization(120) });
    await again.close();
    await expect(startSimulator({ now: () => NOW, extraRoster: syntheticOrganization(121) })).rejects.toThrow(/already served/);
  });
});
