import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roster } from "../../dev/demo/roster";
import { startTestApi, type TestApi } from "../harness";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.stop();
});

const tokenFor = (email: string, overrides: Record<string, unknown> = {}) =>
  signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, { ...claimsFor(email), ...overrides });
const getUser = async (asEmail: string, id: string) =>
  api.worker.fetch(`/api/v1/users/${id}`, { headers: bearer(await tokenFor(asEmail)) });

/** A learner of `trainer2@acme.test`'s courses who is not in any course of `trainer@acme.test`. */
function learnerOnlyInTrainer2Courses(): string {
  const teaches = (email: string) => new Set(roster.courses.filter((c) => c.trainerIds.includes(demoUser(email).id)).map((c) => c.id));
  const [mine, theirs] = [teaches("trainer@acme.test"), teaches("trainer2@acme.test")];
  const coursesOf = (userId: string) => roster.enrolments.filter((e) => e.userId === userId).map((e) => e.courseId);
  return roster.users.find(
    (u) => u.role === "learner" && coursesOf(u.id).length > 0 && coursesOf(u.id).every((c) => theirs.has(c) && !mine.has(c)),
  )!.id;
}

const unknownId = "00000000-0000-4000-8000-000000000000";

/** Out of scope must be indistinguishable from not existing: same status, same body shape. */
async function expectNotFound(response: Response, id: string) {
  expect(response.status).toBe(404);
  const body = await readJson(response);
  expect(body).toMatchObject({ type: "/problems/not-found", detail: `No user with id ${id}.` });
  expect(body.email).toBeUndefined();
}

describe("scope: who may read whom", () => {
  it("a learner reads themself", async () => {
    const me = demoUser("learner@acme.test");
    const response = await getUser("learner@acme.test", me.id);
    expect(response.status).toBe(200);
    expect(await readJson(response)).toMatchObject({ id: me.id, email: me.email, organization: { name: "Acme Learning" } });
  });

  it("a learner reading another learner gets the answer for a missing id", async () => {
    const other = demoUser("learner2@acme.test").id;
    await expectNotFound(await getUser("learner@acme.test", other), other);
    await expectNotFound(await getUser("learner@acme.test", unknownId), unknownId);
  });

  it("a trainer reads a learner of their own course", async () => {
    expect((await getUser("trainer@acme.test", demoUser("learner@acme.test").id)).status).toBe(200);
  });

  it("a trainer reading a learner outside their courses gets 404", async () => {
    const outsider = demoUser("learner2@acme.test").id;
    await expectNotFound(await getUser("trainer@acme.test", outsider), outsider);
    const another = learnerOnlyInTrainer2Courses();
    await expectNotFound(await getUser("trainer@acme.test", another), another);
    await expectNotFound(await getUser("trainer@acme.test", demoUser("trainer2@acme.test").id), demoUser("trainer2@acme.test").id);
  });

  it("an admin reads anyone of their organisation", async () => {
    for (const email of ["learner@acme.test", "learner2@acme.test", "trainer2@acme.test"]) {
      expect((await getUser("admin@acme.test", demoUser(email).id)).status).toBe(200);
    }
  });

  it("an admin reading another organisation gets 404", async () => {
    const globexLearner = demoUser("learner@globex.test").id;
    await expectNotFound(await getUser("admin@acme.test", globexLearner), globexLearner);
    const acmeLearner = demoUser("learner@acme.test").id;
    await expectNotFound(await getUser("admin@globex.test", acmeLearner), acmeLearner);
  });
});

describe("roles on an admin route", () => {
  it.each(["learner@acme.test", "trainer@acme.test"])("%s gets 403 on GET /users", async (email) => {
    const response = await api.worker.fetch("/api/v1/users", { headers: bearer(await tokenFor(email)) });
    expect(response.status).toBe(403);
    expect((await readJson(response)).type).toBe("/problems/forbidden");
  });

  it("an unknown role gets 403 everywhere, even on its own profile", async () => {
    const token = await tokenFor("learner@acme.test", { role: "superuser" });
    expect((await api.worker.fetch("/api/v1/auth/profile", { headers: bearer(token) })).status).toBe(403);
    expect((await api.worker.fetch("/api/v1/users", { headers: bearer(token) })).status).toBe(403);
  });

  it("an admin pages through their organisation only, without overlaps", async () => {
    const token = await tokenFor("admin@acme.test");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=100&role=learner${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await readJson(await api.worker.fetch(`/api/v1/users${query}`, { headers: bearer(token) }));
      seen.push(...page.items.map((u: { email: string }) => u.email));
      cursor = page.nextCursor;
    } while (cursor);
    const acmeLearners = roster.users.filter(
      (u) => u.role === "learner" && u.organizationId === demoUser("admin@acme.test").organizationId,
    );
    expect(seen).toHaveLength(acmeLearners.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    expect(seen).not.toContain("learner@globex.test");
  });
});
