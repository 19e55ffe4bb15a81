import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { learnerAnalyticsSchema, organizationAnalyticsSchema, trainerAnalyticsSchema } from "../../functions/schemas/analytics";
import { freshWindow } from "../clock";
import { startTestApi, type TestApi } from "../harness";
import { fault, finishedRun } from "../pipeline";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

let api: TestApi;
const redisRequests: string[] = [];
const tokens: Record<string, string> = {};
const emails = [
  "learner@acme.test",
  "learner2@acme.test",
  "trainer@acme.test",
  "trainer2@acme.test",
  "admin@acme.test",
  "learner@globex.test",
  "admin@globex.test",
];

beforeAll(async () => {
  api = await startTestApi(
    {
      REFRESH_DEBOUNCE_SECONDS: "0",
      PIPELINE_BATCH_SIZE: "50",
      RATE_LIMIT_LEARNER: "100000",
      RATE_LIMIT_TRAINER: "100000",
      RATE_LIMIT_ORG_ADMIN: "100000",
    },
    { log: (entry) => entry.event === "upstash-redis.request" && redisRequests.push(String(entry.path)) },
  );
  for (const email of emails) tokens[email] = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(email));
});

afterAll(async () => {
  await api?.stop();
});

const get = (email: string, path: string, headers: Record<string, string> = {}) =>
  api.worker.fetch(path, { headers: { ...bearer(tokens[email]!), ...headers } });
const runFor = async (email: string, body?: object) => {
  const response = await api.worker.fetch("/api/v1/analytics/refresh", {
    method: "POST",
    headers: { ...bearer(tokens[email]!), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const { runId } = await readJson(response);
  expect((await finishedRun(api, tokens[email]!, runId)).status).toBe("completed");
};

describe("before the first run", () => {
  it("answers 200 with an explicit empty state and a queued run, then the analytics once it ran", async () => {
    const first = await get("learner@globex.test", "/api/v1/analytics/learner");
    expect(first.status).toBe(200);
    const pending = learnerAnalyticsSchema.parse(await readJson(first));
    expect(pending).toMatchObject({ state: "pending", velocity: null, mastery: null, computedAt: null });
    expect(pending.runId).toBeTruthy();
    expect((await finishedRun(api, tokens["learner@globex.test"]!, pending.runId!)).status).toBe("completed");
    const ready = learnerAnalyticsSchema.parse(await readJson(await get("learner@globex.test", "/api/v1/analytics/learner")));
    expect(ready).toMatchObject({ state: "ready", runId: pending.runId });
    // Every skill says whether it can be mastered at all (the demo's parameters all allow it).
    expect(ready.mastery?.skills.length).toBeGreaterThan(0);
    expect(ready.mastery?.skills.every((skill) => skill.masteryReachable)).toBe(true);
  });
});

describe("the cache", () => {
  beforeAll(async () => {
    await runFor("learner@acme.test");
    await runFor("learner2@acme.test");
  });

  it("misses, then hits with the same body and ETag, in at most two Redis round trips", async () => {
    // A variant no other test reads, so nothing has cached it yet whatever ran before.
    const path = "/api/v1/analytics/learner?timeRange=1y";
    const miss = await get("learner@acme.test", path);
    expect(miss.headers.get("x-cache")).toBe("MISS");
    expect(miss.headers.get("server-timing")).toMatch(/auth.*ratelimit.*cache.*db/);
    const body = await miss.text();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the write-back runs after the response

    redisRequests.length = 0;
    const hit = await get("learner@acme.test", path);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(await hit.text()).toBe(body);
    expect(hit.headers.get("etag")).toBe(miss.headers.get("etag"));
    expect(hit.headers.get("server-timing")).not.toMatch(/db/);
    expect(redisRequests.length).toBeLessThanOrEqual(2);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const path = "/api/v1/analytics/learner?timeRange=30d&includePredictions=true";
    const first = await get("learner@acme.test", path);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await get("learner@acme.test", path, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect((await get("learner@acme.test", path, { "If-None-Match": '"other"' })).status).toBe(200);
  });

  it("bypasses and rewrites the entry with refreshCache=true", async () => {
    const path = "/api/v1/analytics/learner?timeRange=7d";
    await freshWindow(); // the two requests compared below are counted in one rate-limit window
    await get("learner@acme.test", path);
    const bypass = await get("learner@acme.test", `${path}&refreshCache=true`);
    expect(bypass.headers.get("x-cache")).toBe("BYPASS");
    expect(bypass.headers.get("ratelimit-remaining")).toBe(
      String(Number((await get("learner@acme.test", path)).headers.get("ratelimit-remaining")) + 1),
    );
  });

  it("is invalidated by a refresh run for exactly the learners whose figures changed", async () => {
    const path = "/api/v1/analytics/learner?timeRange=90d";
    // A run without devLab changes learner's engagement; learner2's cached entry must survive it.
    await get("learner@acme.test", path);
    await get("learner2@acme.test", path);
    await fault(api, "devLab", "error");
    try {
      await runFor("learner@acme.test");
    } finally {
      await fault(api, null);
    }
    const changed = await get("learner@acme.test", path);
    expect(changed.headers.get("x-cache")).toBe("MISS");
    expect(learnerAnalyticsSchema.parse(await readJson(changed)).sources.devLab).toEqual({ ok: 0, missing: 1 });
    expect((await get("learner2@acme.test", path)).headers.get("x-cache")).toBe("HIT");
  });
});

describe("every endpoint's body validates against its own schema", () => {
  beforeAll(async () => {
    await runFor("admin@acme.test");
  });

  it("learner", async () => {
    const body = learnerAnalyticsSchema.parse(
      await readJson(await get("learner@acme.test", "/api/v1/analytics/learner?includePredictions=true")),
    );
    expect(body.predictions?.courses.length).toBeGreaterThan(0);
    expect(body.velocity?.peerPercentile).not.toBeNull();
    expect(
      learnerAnalyticsSchema.parse(await readJson(await get("learner@acme.test", "/api/v1/analytics/learner"))).predictions,
    ).toBeUndefined();
  });

  it("trainer", async () => {
    const body = trainerAnalyticsSchema.parse(await readJson(await get("trainer@acme.test", "/api/v1/analytics/trainer")));
    expect(body.courses.map((c) => c.code)).toEqual(["DATA-201", "TS-101"]);
    expect(body.courses[0]!.performance.analysed).toBeGreaterThan(0);
    expect(body.courses[0]!.scoreDistribution.histogram).toHaveLength(10);
  });

  it("at risk: a status per enrolment, no prediction for ended ones, only factors that raise the risk and each with a label", async () => {
    const learner = learnerAnalyticsSchema.parse(
      await readJson(
        await get("trainer@acme.test", `/api/v1/analytics/learner?userId=${demoUser("learner@acme.test").id}&includePredictions=true`),
      ),
    );
    const trainer = trainerAnalyticsSchema.parse(await readJson(await get("trainer@acme.test", "/api/v1/analytics/trainer")));
    const estimates = [...(learner.predictions?.courses.map((c) => c.atRisk) ?? []), learner.predictions!.atRisk];
    for (const estimate of estimates) {
      if (estimate.status === "withdrawn" || estimate.status === "completed")
        expect(estimate).toMatchObject({ probability: null, factors: [] });
      expect(estimate.factors.length).toBeLessThanOrEqual(3);
      for (const factor of estimate.factors) {
        expect(factor.contribution).toBeGreaterThan(0);
        expect(factor.label).not.toBe(factor.feature);
        expect(factor.display.length).toBeGreaterThan(0);
      }
      expect(estimate.factors.map((f) => f.contribution)).toEqual(estimate.factors.map((f) => f.contribution).sort((a, b) => b - a));
    }
    // The demo designs learners who fail: some are listed.
    expect(trainer.courses.some((course) => course.atRiskLearners.length > 0)).toBe(true);
    for (const course of trainer.courses) {
      const probabilities = course.atRiskLearners.map((l) => l.probability);
      expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
      // Everyone listed is at risk in their own answer, in that course.
      for (const listed of course.atRiskLearners) {
        const own = learnerAnalyticsSchema.parse(
          await readJson(await get("trainer@acme.test", `/api/v1/analytics/learner?userId=${listed.userId}&includePredictions=true`)),
        );
        expect(own.predictions?.courses.find((c) => c.courseId === course.courseId)?.atRisk).toMatchObject({
          status: "at_risk",
          probability: listed.probability,
        });
      }
    }
  });

  it("organization: aggregates only, departments of at least the minimum size", async () => {
    const body = organizationAnalyticsSchema.parse(
      await readJson(await get("admin@acme.test", "/api/v1/analytics/organization?timeRange=7d")),
    );
    expect(body.state).toBe("ready");
    expect(body.summary).not.toBeNull();
    expect(body.departments.length).toBeGreaterThanOrEqual(3);
    // Each department is either shown with at least the minimum size, or listed as suppressed with the reason.
    for (const department of body.departments) {
      if ("suppressed" in department) expect(department.reason).toMatch(/fewer than 5 learners/);
      else expect(department.learners).toBeGreaterThanOrEqual(body.minGroupSize);
    }
    expect(JSON.stringify(body)).not.toContain("learner@acme.test");
  });
});

describe("scope rules on every subject parameter", () => {
  const outsider = () => demoUser("learner2@acme.test").id;
  it.each([
    ["learner@acme.test", () => `/api/v1/analytics/learner?userId=${outsider()}`, 404],
    ["trainer@acme.test", () => `/api/v1/analytics/learner?userId=${outsider()}`, 404],
    ["admin@globex.test", () => `/api/v1/analytics/learner?userId=${outsider()}`, 404],
    ["trainer@acme.test", () => `/api/v1/analytics/trainer?trainerId=${demoUser("trainer2@acme.test").id}`, 404],
    ["admin@globex.test", () => `/api/v1/analytics/trainer?trainerId=${demoUser("trainer@acme.test").id}`, 404],
    ["learner@acme.test", () => "/api/v1/analytics/trainer", 403],
    ["trainer@acme.test", () => "/api/v1/analytics/organization", 403],
  ])("%s GET %s → %i", async (email, path, status) => {
    expect((await get(email, path())).status).toBe(status);
  });

  it("lets a trainer read a learner of their course and an admin a trainer of their organisation", async () => {
    expect((await get("trainer@acme.test", `/api/v1/analytics/learner?userId=${demoUser("learner@acme.test").id}`)).status).toBe(200);
    expect((await get("admin@acme.test", `/api/v1/analytics/trainer?trainerId=${demoUser("trainer2@acme.test").id}`)).status).toBe(200);
  });

  it("refuses malformed or unknown parameters", async () => {
    expect((await get("learner@acme.test", "/api/v1/analytics/learner?timeRange=2d")).status).toBe(400);
    expect((await get("learner@acme.test", "/api/v1/analytics/learner?includePredictions=yes")).status).toBe(400);
    expect((await get("learner@acme.test", "/api/v1/analytics/learner?since=2026-01-01")).status).toBe(400);
  });
});

describe("without Redis", () => {
  beforeAll(async () => {
    await runFor("learner@acme.test");
  });

  it("answers from Postgres", async () => {
    // Redis refuses every connection for this test only; the other tests share the stand-in.
    api.stack.redis.setFault("down");
    try {
      const response = await get("learner@acme.test", "/api/v1/analytics/learner");
      expect(response.status).toBe(200);
      expect(response.headers.get("x-cache")).toBe("BYPASS");
      expect(learnerAnalyticsSchema.parse(await readJson(response)).state).toBe("ready");
    } finally {
      api.stack.redis.setFault("none");
    }
  });
});
