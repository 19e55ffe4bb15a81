import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";
import { database, runNightly } from "../pipeline";
import { bearer, login } from "../tokens";
import { readJson } from "../worker";

/**
 * Answers that mean what they say: figures over the range asked for, states that say what the body
 * holds, numbers without binary noise. One stack; the nightly run computes both demo organisations
 * first, and each test reads what it needs from there (or makes its own data).
 */
let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;
const tokens = new Map<string, string>();

beforeAll(async () => {
  const unlimited = "100000";
  api = await startTestApi({
    REFRESH_DEBOUNCE_SECONDS: "0",
    PIPELINE_BATCH_SIZE: "50",
    RATE_LIMIT_LEARNER: unlimited,
    RATE_LIMIT_TRAINER: unlimited,
    RATE_LIMIT_ORG_ADMIN: unlimited,
  });
  db = await database(api);
  await runNightly(api, db);
}, 180_000);

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

async function get(email: string, path: string) {
  let token = tokens.get(email);
  if (!token) tokens.set(email, (token = (await login(api.worker, email)).accessToken));
  return api.worker.fetch(path, { headers: bearer(token) });
}
const body = async (email: string, path: string) => readJson(await get(email, path));

/** Every number in a JSON value, with where it sits. */
function numbers(value: unknown, path = "$"): [string, number][] {
  if (typeof value === "number") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => numbers(item, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => numbers(item, `${path}.${key}`));
  return [];
}
const decimals = (n: number) => (String(n).includes(".") ? String(n).split(".")[1]!.length : 0);

describe("time ranges are real", () => {
  it("a learner's 7d and 90d differ in their range-bound figures, and each states its window", async () => {
    const week = await body("learner001@acme.test", "/api/v1/analytics/learner?timeRange=7d");
    const quarter = await body("learner001@acme.test", "/api/v1/analytics/learner?timeRange=90d");
    expect(week.state).toBe("ready");
    expect(quarter.velocity.unitsCompleted).toBeGreaterThan(week.velocity.unitsCompleted);
    expect(week.velocity.step).toBe("day");
    expect(week.velocity.series).toHaveLength(7);
    expect(quarter.velocity.step).toBe("week");
    expect(quarter.velocity.series.reduce((sum: number, p: { units: number }) => sum + p.units, 0)).toBe(quarter.velocity.unitsCompleted);
    const days = (w: { from: string; to: string }) => (Date.parse(w.to) - Date.parse(w.from)) / 86_400_000;
    expect(days(week.window)).toBe(7);
    expect(days(quarter.window)).toBe(90);
    expect(week.window.complete).toBe(true);
  });

  it("a learner's 1y says it is served from the 90 days upstream keeps", async () => {
    const year = await body("learner001@acme.test", "/api/v1/analytics/learner?timeRange=1y");
    expect(year.window.complete).toBe(false);
    expect(year.window.note).toMatch(/90 days/);
  });

  it("a trainer's courses differ between 7d and 90d", async () => {
    const week = await body("trainer@acme.test", "/api/v1/analytics/trainer?timeRange=7d");
    const quarter = await body("trainer@acme.test", "/api/v1/analytics/trainer?timeRange=90d");
    expect(week.state).toBe("ready");
    expect(week.coverage.analysed).toBe(week.coverage.total);
    const figures = (b: { courses: { performance: unknown; scoreDistribution: unknown }[] }) =>
      JSON.stringify(b.courses.map((c) => [c.performance, c.scoreDistribution]));
    expect(figures(week)).not.toBe(figures(quarter));
    const active = (b: { courses: { performance: { activeInRange: number } }[] }) => b.courses.map((c) => c.performance.activeInRange);
    active(quarter).forEach((n, i) => expect(n).toBeGreaterThanOrEqual(active(week)[i]!));
  });

  it("the organisation's figures differ between 7d and 90d, and its trend is daily up to a month, weekly beyond", async () => {
    const week = await body("admin@acme.test", "/api/v1/analytics/organization?timeRange=7d");
    const quarter = await body("admin@acme.test", "/api/v1/analytics/organization?timeRange=90d");
    expect(week.state).toBe("ready");
    expect(week.summary.unitsPerWeek).not.toBe(quarter.summary.unitsPerWeek);
    expect(week.trend.step).toBe("day");
    expect(quarter.trend.step).toBe("week");
  });
});

describe("honest states", () => {
  it("lists a group below the minimum size as suppressed with the reason, not silently missing", async () => {
    const globex = await body("admin@globex.test", "/api/v1/analytics/organization?timeRange=30d");
    // Globex has two people: every group is below its minimum size of 5, so nothing is shown,
    // and the body says why rather than answering an empty "ready".
    expect(globex.state).not.toBe("ready");
    // Two learners of a department of their own in Acme: too few to show.
    const acmeId = (await db.client.query("select id from organizations where name = 'Acme Learning'")).rows[0].id;
    await db.client.query(
      `insert into users (organization_id, email, name, role, department) values ($1, 'legal1@acme.test', 'L One', 'learner', 'Legal'), ($1, 'legal2@acme.test', 'L Two', 'learner', 'Legal')`,
      [acmeId],
    );
    const acme = await body("admin@acme.test", "/api/v1/analytics/organization?timeRange=30d&refreshCache=true").finally(() =>
      db.client.query("delete from users where department = 'Legal'"),
    );
    const legal = acme.departments.find((d: { department: string }) => d.department === "Legal");
    expect(legal).toMatchObject({ suppressed: true, reason: "fewer than 5 learners" });
    expect(legal.figures).toBeUndefined();
    expect(legal.learners).toBeUndefined();
  });

  it("answers partial with counts (and queues a run, not cached) while some learners are not analysed", async () => {
    // A learner's analytics vanish (as if they joined after the night): the course is no longer complete.
    const { rows } = await db.client.query(
      `delete from learner_analytics where user_id = (select id from users where email = 'learner2@acme.test') returning user_id`,
    );
    expect(rows.length).toBeGreaterThan(0);
    const response = await get("trainer2@acme.test", "/api/v1/analytics/trainer?timeRange=30d&refreshCache=true");
    const partial = await readJson(response);
    expect(partial.state).toBe("partial");
    expect(partial.coverage.analysed).toBe(partial.coverage.total - 1);
    expect(partial.pending.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const again = await get("trainer2@acme.test", "/api/v1/analytics/trainer?timeRange=30d");
    expect(again.headers.get("x-cache")).not.toBe("HIT");
  });

  it("an admin's trainer view without trainerId is a 400 naming the parameter", async () => {
    const response = await get("admin@acme.test", "/api/v1/analytics/trainer");
    expect(response.status).toBe(400);
    expect((await readJson(response)).errors).toEqual([expect.objectContaining({ pointer: "query.trainerId" })]);
  });
});

describe("numbers are numbers", () => {
  it("no body carries more decimals than the rounding policy allows", async () => {
    const bodies = await Promise.all([
      body("learner001@acme.test", "/api/v1/analytics/learner?timeRange=30d&includePredictions=true"),
      body("trainer@acme.test", "/api/v1/analytics/trainer?timeRange=90d"),
      body("admin@acme.test", "/api/v1/analytics/organization?timeRange=1y"),
    ]);
    const noisy = bodies.flatMap((b) => numbers(b)).filter(([, n]) => decimals(n) > 4);
    expect(noisy).toEqual([]);
  });
});
