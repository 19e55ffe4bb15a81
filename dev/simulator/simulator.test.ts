import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { payloadSchemas, SERVICES, type ServiceName, type ServicePayload } from "../../jobs/collect/contracts";
import { roster } from "../demo/roster";
import type { StandIn } from "../stand-in";
import { learnerTraits } from "./people";
import { startSimulator } from "./server";

const NOW = new Date("2026-11-24T15:30:00Z");
const TODAY = "2026-11-24T00:00:00Z";
const TERM_START = "2026-08-26T00:00:00Z";
const MB = 1024 * 1024;

const acme = roster.organizations.find((o) => o.slug === "acme")!;
const globex = roster.organizations.find((o) => o.slug === "globex")!;
const byEmail = (email: string) => roster.users.find((u) => u.email === email)!;
const typescript = roster.courses.find((c) => c.code === "TS-101")!;
const tsLearners = roster.enrolments.filter((e) => e.courseId === typescript.id).map((e) => e.userId);

/** The records each service is mostly about, to check that a scope is not answered with nothing. */
const MAIN: { [S in ServiceName]: (p: ServicePayload<S>) => unknown[] } = {
  directory: (p) => p.data.people,
  courseBuilder: (p) => p.data.enrolments,
  assessment: (p) => p.data.attempts,
  skillsEngine: (p) => p.data.learners,
  learnerAI: (p) => p.data.learners,
  contentStudio: (p) => p.data.events,
  devLab: (p) => p.data.submissions,
  ragAssistant: (p) => p.data.sessions,
  auth: (p) => p.data.users,
};
const mainRecords = (service: ServiceName, payload: unknown) => (MAIN[service] as (p: unknown) => unknown[])(payload);

let sim: StandIn;

const endpoint = (service: string, query: string) => `${sim.url}/${service}/api/v1/analytics-data?${query}`;
const get = (service: string, query: string, init: RequestInit = {}) =>
  fetch(endpoint(service, query), { ...init, headers: { authorization: "Bearer service-token", ...init.headers } });
async function payload<S extends ServiceName>(service: S, query: string): Promise<ServicePayload<S>> {
  const response = await get(service, query);
  expect(response.status).toBe(200);
  return payloadSchemas[service].parse(await response.json()) as ServicePayload<S>;
}
const setFault = (service: string, body: unknown) =>
  fetch(`${sim.url}/__faults/${service}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

beforeAll(async () => {
  sim = await startSimulator({ now: () => NOW });
});
afterAll(async () => {
  await sim.close();
});

describe.each(SERVICES)("%s", (service) => {
  // A learner in TS-101 (a lab course, so devLab has something to say), the course, the organisation.
  const learner = byEmail("learner001@acme.test");
  const scopes = [
    ["user", `userId=${learner.id}`, learner.id],
    ["course", `courseId=${typescript.id}`, typescript.id],
    ["organization", `organizationId=${acme.id}`, acme.id],
  ] as const;

  it.each(scopes)("answers a %s scope with a payload that meets the contract", async (type, query, id) => {
    const body = await payload(service, query);
    expect(body.service).toBe(service);
    expect(body.scope).toEqual({ type, id });
    expect(body.window).toEqual({ from: TERM_START, to: TODAY });
    expect(body.generatedAt).toBe(TODAY);
    expect(mainRecords(service, body).length).toBeGreaterThan(0);
  });
});

describe("determinism", () => {
  it("answers the same request with the same bytes, whoever asks and when in the day", async () => {
    const later = await startSimulator({ now: () => new Date("2026-11-24T23:59:00Z") });
    try {
      for (const service of SERVICES) {
        const query = `courseId=${typescript.id}`;
        const first = await (await get(service, query)).text();
        const second = await (await get(service, query)).text();
        const elsewhere = await (
          await fetch(`${later.url}/${service}/api/v1/analytics-data?${query}`, { headers: { authorization: "Bearer x" } })
        ).text();
        expect(second).toBe(first);
        expect(elsewhere).toBe(first);
      }
    } finally {
      await later.close();
    }
  });

  it("moves the term along with the calendar day", async () => {
    const tomorrow = await startSimulator({ now: () => new Date("2026-11-25T08:00:00Z") });
    try {
      const response = await fetch(`${tomorrow.url}/auth/api/v1/analytics-data?userId=${byEmail("learner@acme.test").id}`, {
        headers: { authorization: "Bearer x" },
      });
      const body = payloadSchemas.auth.parse(await response.json());
      expect(body.window).toEqual({ from: "2026-08-27T00:00:00Z", to: "2026-11-25T00:00:00Z" });
    } finally {
      await tomorrow.close();
    }
  });

  it("gives different learners different histories", async () => {
    const [a, b] = tsLearners;
    const progress = async (userId: string) => {
      const body = await payload("courseBuilder", `userId=${userId}`);
      return body.data.enrolments.flatMap((e) => e.unitCompletions.map((c) => c.completedAt));
    };
    const answers = async (userId: string) => {
      const body = await payload("assessment", `userId=${userId}`);
      return body.data.attempts.flatMap((t) => t.items.map((i) => `${i.answeredAt}:${i.correct}`));
    };
    expect(await progress(a!)).not.toEqual(await progress(b!));
    expect(await answers(a!)).not.toEqual(await answers(b!));
  });
});

describe("realism", () => {
  it("has learners who complete, learners in progress and learners who withdraw", async () => {
    const { data } = await payload("courseBuilder", `organizationId=${acme.id}`);
    const statuses = new Set(data.enrolments.map((e) => e.status));
    expect(statuses).toEqual(new Set(["completed", "in_progress", "withdrawn", ...(statuses.has("not_started") ? ["not_started"] : [])]));
    const completed = data.enrolments.filter((e) => e.status === "completed");
    expect(completed.every((e) => e.unitsCompleted === e.unitsTotal && e.completedAt !== null)).toBe(true);
  });

  it("shows a learning curve: answers get better with practice on a skill", async () => {
    const { data } = await payload("assessment", `organizationId=${acme.id}`);
    const seen = new Map<string, number>();
    const [first, later] = [
      { right: 0, all: 0 },
      { right: 0, all: 0 },
    ];
    for (const attempt of data.attempts) {
      for (const item of attempt.items) {
        const key = `${attempt.learnerId}:${item.skillId}`;
        const n = seen.get(key) ?? 0;
        seen.set(key, n + 1);
        const bucket = n < 2 ? first : n >= 4 && n < 10 ? later : null;
        if (bucket) {
          bucket.all += 1;
          bucket.right += item.correct ? 1 : 0;
        }
      }
    }
    expect(later.right / later.all).toBeGreaterThan(first.right / first.all + 0.03);
  });

  it("is quieter at weekends, and staff barely study", async () => {
    const { data } = await payload("auth", `organizationId=${acme.id}`);
    const byWeekday = Array<number>(7).fill(0);
    for (const user of data.users) for (const d of user.days) byWeekday[new Date(d.day).getUTCDay()]! += 1;
    const weekend = (byWeekday[0]! + byWeekday[6]!) / 2;
    const weekday = byWeekday.slice(1, 6).reduce((a, b) => a + b, 0) / 5;
    expect(weekend).toBeLessThan(weekday * 0.7);

    const admin = byEmail("admin@acme.test");
    expect((await payload("assessment", `userId=${admin.id}`)).data.attempts).toEqual([]);
    expect((await payload("auth", `userId=${admin.id}`)).data.users[0]!.days.length).toBeGreaterThan(30);
  });

  it("keeps organisation payloads small enough to collect", async () => {
    const sizes: Record<string, number> = {};
    for (const service of SERVICES) {
      const text = await (await get(service, `organizationId=${acme.id}`)).text();
      sizes[service] = Buffer.byteLength(text);
    }
    expect(sizes.assessment, `org assessment payload: ${(sizes.assessment! / MB).toFixed(2)} MB`).toBeLessThan(5 * MB);
    for (const [service, bytes] of Object.entries(sizes)) expect(bytes, `${service}: ${bytes} bytes`).toBeLessThan(5 * MB);
  });

  it("cuts the data to the requested window", async () => {
    const body = await payload("contentStudio", `organizationId=${acme.id}&from=2026-11-01&to=2026-11-10`);
    expect(body.window).toEqual({ from: "2026-11-01T00:00:00Z", to: "2026-11-11T00:00:00Z" });
    expect(body.data.events.length).toBeGreaterThan(0);
    for (const e of body.data.events) expect(e.startedAt >= "2026-11-01" && e.startedAt < "2026-11-11").toBe(true);
  });

  it("answers the other organisation with its own people only", async () => {
    const { data } = await payload("directory", `organizationId=${globex.id}`);
    expect(data.people.map((p) => p.email).sort()).toEqual(["admin@globex.test", "learner@globex.test"]);
  });
});

describe("contract version 2", () => {
  const compliance = roster.courses.find((c) => c.code === "OPS-050")!;
  const graded = (p: ServicePayload<"assessment">) => p.data.assessments.filter((a) => a.kind !== "practice");

  it("serves TS-101's schedule: quizzes due at the end of their module's span, the exam at the close, weights 5 × 10 + 50", async () => {
    // Modules of 4, 4, 5, 4 and 4 units share the 96 days between day 14 and the close (day 110) by
    // units: day 14 + 96 × 4/21 = 32.3, 50.6, 73.4, 91.7, 110, counted from the term start 2026-08-26.
    const body = await payload("assessment", `courseId=${typescript.id}`);
    expect(graded(body).map((a) => [a.kind, a.dueAt, a.weight])).toEqual([
      ["quiz", "2026-09-27T00:00:00Z", 10],
      ["quiz", "2026-10-16T00:00:00Z", 10],
      ["quiz", "2026-11-07T00:00:00Z", 10],
      ["quiz", "2026-11-26T00:00:00Z", 10],
      ["quiz", "2026-12-14T00:00:00Z", 10],
      ["exam", "2026-12-14T00:00:00Z", 50],
    ]);
    const practice = body.data.assessments.filter((a) => a.kind === "practice");
    expect(practice.length).toBeGreaterThan(0);
    expect(practice.every((a) => a.dueAt === null && a.weight === 0)).toBe(true);
  });

  it("gives every course's graded assessments weights that add up to 100, and mandatory training's exam its due date", async () => {
    const body = await payload("assessment", `organizationId=${acme.id}`);
    const sums = new Map<string, number>();
    for (const a of graded(body)) sums.set(a.courseId, (sums.get(a.courseId) ?? 0) + (a.weight ?? 0));
    expect([...sums.values()]).toEqual([100, 100, 100, 100]);
    // OPS-050 is due on day 80 (2026-11-14): quizzes of 4 units each at days 36, 58, 80, the exam at 80.
    const builder = await payload("courseBuilder", `courseId=${compliance.id}`);
    const exam = graded(body).find((a) => a.courseId === compliance.id && a.kind === "exam");
    expect(exam?.dueAt).toBe("2026-11-14T00:00:00Z");
    expect(new Set(builder.data.enrolments.map((e) => e.dueAt))).toEqual(new Set([exam?.dueAt]));
  });

  it("has strong and steady learners meet most deadlines, drifting and struggling ones miss or pass most", async () => {
    const body = await payload("assessment", `organizationId=${acme.id}`);
    const builder = await payload("courseBuilder", `organizationId=${acme.id}`);
    const firstSubmitted = new Map<string, string>();
    for (const a of body.data.attempts) if (a.attempt === 1) firstSubmitted.set(`${a.learnerId}:${a.assessmentId}`, a.submittedAt);
    const onTime = { diligent: [0, 0], lagging: [0, 0] };
    for (const e of builder.data.enrolments) {
      if (e.status === "not_started") continue;
      const user = roster.users.find((u) => u.id === e.learnerId)!;
      const { archetype } = learnerTraits(user);
      const group = archetype === "strong" || archetype === "steady" ? onTime.diligent : onTime.lagging;
      for (const a of graded(body)) {
        if (a.courseId !== e.courseId || !a.dueAt || a.dueAt > TODAY) continue;
        const submitted = firstSubmitted.get(`${e.learnerId}:${a.id}`);
        group[0]! += submitted !== undefined && submitted < a.dueAt ? 1 : 0;
        group[1]! += 1;
      }
    }
    // First attempts submitted before a deadline already past: about 0.92 strong, 0.72 steady, 0.50 struggling, 0.36 drifting.
    expect(onTime.diligent[0]! / onTime.diligent[1]!).toBeGreaterThan(0.75);
    expect(onTime.lagging[0]! / onTime.lagging[1]!).toBeLessThan(0.5);
  });

  it("serves two to four earlier offerings per course whose outcomes add up, and mostly first attempts", async () => {
    const { data } = await payload("courseBuilder", `organizationId=${acme.id}`);
    for (const course of data.courses) {
      expect(course.history?.length).toBeGreaterThanOrEqual(2);
      expect(course.history?.length).toBeLessThanOrEqual(4);
      for (const o of course.history ?? []) expect(o.completed + o.failed + o.withdrawn).toBe(o.learners);
    }
    const attempts = data.enrolments.map((e) => e.previousAttempts ?? -1);
    expect(attempts.every((n) => n >= 0 && n <= 2)).toBe(true);
    expect(attempts.filter((n) => n === 0).length / attempts.length).toBeGreaterThan(0.75);
    const mean = (archetype: string) => {
      const of = data.enrolments.filter((e) => learnerTraits(roster.users.find((u) => u.id === e.learnerId)!).archetype === archetype);
      return of.reduce((n, e) => n + (e.previousAttempts ?? 0), 0) / of.length;
    };
    expect(mean("struggling")).toBeGreaterThan(mean("strong"));
  });
});

describe("request errors", () => {
  const learner = byEmail("learner@acme.test");

  it.each([
    ["no scope", ""],
    ["two scopes", `userId=${learner.id}&courseId=${typescript.id}`],
    ["a repeated scope", `userId=${learner.id}&userId=${learner.id}`],
    ["a malformed uuid", "userId=42"],
    ["a malformed date", `userId=${learner.id}&from=yesterday`],
    ["a window that ends before it starts", `userId=${learner.id}&from=2026-11-10&to=2026-11-01`],
  ])("answers 400 to %s", async (_, query) => {
    const response = await get("assessment", query);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it.each([
    ["no Authorization header", {}],
    ["a non-bearer Authorization header", { authorization: "Basic dXNlcjpwYXNz" }],
  ])("answers 401 to %s", async (_, headers) => {
    const response = await fetch(endpoint("auth", `userId=${learner.id}`), { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it.each([
    ["an unknown user", "userId=4d0b6f8e-3c7a-4e1b-9a2d-5f6e7d8c9b0a"],
    ["an unknown course", "courseId=4d0b6f8e-3c7a-4e1b-9a2d-5f6e7d8c9b0a"],
    ["an unknown organisation", "organizationId=4d0b6f8e-3c7a-4e1b-9a2d-5f6e7d8c9b0a"],
  ])("answers 404 to %s", async (_, query) => {
    const response = await get("devLab", query);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it("answers 404 to an unknown service or path", async () => {
    expect((await get("payroll", `userId=${learner.id}`)).status).toBe(404);
    expect((await fetch(`${sim.url}/auth/api/v2/analytics-data`, { headers: { authorization: "Bearer x" } })).status).toBe(404);
  });
});

describe("faults", () => {
  const query = `userId=${byEmail("learner@acme.test").id}`;
  afterEach(async () => {
    await fetch(`${sim.url}/__faults`, { method: "DELETE" });
  });

  it("answers 503 for a service set to fail, and only for that one", async () => {
    expect((await setFault("assessment", { mode: "error" })).status).toBe(200);
    const failing = await get("assessment", query);
    expect(failing.status).toBe(503);
    expect(await failing.json()).toEqual({ error: expect.any(String) });
    expect((await get("auth", query)).status).toBe(200);
  });

  it("holds the request of a service set to time out", async () => {
    await setFault("learnerAI", { mode: "timeout" });
    const started = Date.now();
    await expect(get("learnerAI", query, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/timeout|abort/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("delays answers by latencyMs", async () => {
    await setFault("skillsEngine", { mode: "ok", latencyMs: 250 });
    const started = Date.now();
    const response = await get("skillsEngine", query);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it("lists the faults, and DELETE restores every service", async () => {
    await setFault("devLab", { mode: "error", latencyMs: 10 });
    const listed = (await (await fetch(`${sim.url}/__faults`)).json()) as Record<string, unknown>;
    expect(Object.keys(listed).sort()).toEqual([...SERVICES].sort());
    expect(listed.devLab).toEqual({ mode: "error", latencyMs: 10 });
    expect(listed.auth).toEqual({ mode: "ok", latencyMs: 0 });

    const reset = await fetch(`${sim.url}/__faults`, { method: "DELETE" });
    expect(
      Object.values((await reset.json()) as Record<string, unknown>).every(
        (f) => JSON.stringify(f) === JSON.stringify({ mode: "ok", latencyMs: 0 }),
      ),
    ).toBe(true);
    expect((await get("devLab", query)).status).toBe(200);
  });

  it.each([
    ["an unknown mode", { mode: "flaky" }],
    ["a negative latency", { mode: "ok", latencyMs: -1 }],
    ["a fractional latency", { mode: "ok", latencyMs: 1.5 }],
    ["a misspelt field", { mode: "ok", latency: 100 }],
    ["no mode", { latencyMs: 100 }],
  ])("refuses %s with 400", async (_, body) => {
    expect((await setFault("auth", body)).status).toBe(400);
  });

  it("refuses a body that is not JSON, and an unknown service", async () => {
    const notJson = await fetch(`${sim.url}/__faults/auth`, { method: "PUT", body: "mode=error" });
    expect(notJson.status).toBe(400);
    expect((await setFault("payroll", { mode: "error" })).status).toBe(404);
  });

  it("ends held requests on close, logging through the logger", async () => {
    const entries: Record<string, unknown>[] = [];
    const own = await startSimulator({ now: () => NOW, log: (e) => entries.push(e) });
    await fetch(`${own.url}/__faults/directory`, { method: "PUT", body: JSON.stringify({ mode: "timeout" }) });
    const held = fetch(`${own.url}/directory/api/v1/analytics-data?${query}`, { headers: { authorization: "Bearer x" } }).then(
      () => "answered",
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.close();
    expect(await held).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(entries).toContainEqual(expect.objectContaining({ event: "simulator.fault", service: "directory", mode: "timeout" }));
    expect(entries).toContainEqual(
      expect.objectContaining({ event: "simulator.request", path: "/directory/api/v1/analytics-data", status: null }),
    );
  });
});
