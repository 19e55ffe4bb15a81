import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";
import { database, runNightly } from "../pipeline";
import { bearer, login } from "../tokens";
import { readJson } from "../worker";
import { launchBrowser } from "./browser";

/**
 * The reference dashboard in Debian's headless Chromium, against the Worker in workerd: what each
 * role sees is what the API answers. One stack and one browser for the file; the nightly run
 * computes the demo organisations first. `npm run screenshots` (SCREENSHOTS=1) also writes
 * docs/dashboard-<role>.png.
 */
let api: TestApi;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const tokens = new Map<string, string>();

beforeAll(async () => {
  const unlimited = "100000";
  api = await startTestApi({
    DASHBOARD_ENABLED: "true",
    REFRESH_DEBOUNCE_SECONDS: "0",
    PIPELINE_BATCH_SIZE: "50",
    RATE_LIMIT_LEARNER: unlimited,
    RATE_LIMIT_TRAINER: unlimited,
    RATE_LIMIT_ORG_ADMIN: unlimited,
    // A busy machine may slow the simulated services; the breaker is not what these tests are about.
    CIRCUIT_FAILURE_THRESHOLD: "100",
  });
  const db = await database(api);
  try {
    await runNightly(api, db);
  } finally {
    await db.client.end();
  }
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

/** The API's own answer for a demo user, fetched by the test as any client would. */
async function answer(email: string, path: string) {
  let token = tokens.get(email);
  if (!token) tokens.set(email, (token = (await login(api.worker, email)).accessToken));
  const response = await api.worker.fetch(path, { headers: bearer(token) });
  expect(response.status).toBe(200);
  return readJson(response);
}

const shown = (name: string) => page.locator(`[data-figure="${name}"]`).first().textContent();
const text = (value: unknown) => (value === null || value === undefined ? "—" : String(value));
const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;

async function signIn(email: string, role: string) {
  if (await page.locator("#signout").isVisible()) await page.click("#signout");
  else await page.goto(`${api.worker.url}/`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "demo-password");
  await page.click('#signin-form button[type="submit"]');
  await page.locator(`#dashboard[data-role="${role}"]`).waitFor();
  await page.locator('[data-figure="state"]').waitFor();
}

async function screenshot(role: string) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `docs/dashboard-${role}.png`, fullPage: true });
}

describe("the reference dashboard", () => {
  it("serves the page at / under its own CSP, and the page runs under it without errors", async () => {
    const response = await api.worker.fetch("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await signIn("learner@acme.test", "learner");
    expect(errors).toEqual([]);
  });

  it("shows a learner the API's figures: velocity (with its chart), mastery, gaps, engagement, state and dataAsOf", async () => {
    await signIn("learner@acme.test", "learner");
    const body = await answer("learner@acme.test", "/api/v1/analytics/learner?timeRange=30d");
    expect(await shown("state")).toBe(body.state);
    expect(await shown("dataAsOf")).toBe(text(body.dataAsOf));
    expect(await shown("velocity.unitsCompleted")).toBe(text(body.velocity.unitsCompleted));
    expect(await shown("velocity.unitsPerWeek")).toBe(text(body.velocity.unitsPerWeek));
    expect(await shown("engagement.score")).toBe(text(body.engagement.score));
    expect(await shown("mastery.overall")).toBe(pct(body.mastery.overall));
    expect(await page.locator("#mastery tbody tr").count()).toBe(body.mastery.skills.length);
    expect(await page.locator("#gaps tbody tr").count()).toBe(body.skillGaps.length);
    expect(await page.locator('canvas[data-chart="velocity"]').isVisible()).toBe(true);
    await screenshot("learner");
  });

  it("refetches on a range switch (figures change) and reuses the kept body on a 304", async () => {
    await signIn("learner001@acme.test", "learner");
    const week = await answer("learner001@acme.test", "/api/v1/analytics/learner?timeRange=7d");
    const quarter = await answer("learner001@acme.test", "/api/v1/analytics/learner?timeRange=90d");
    expect(quarter.velocity.unitsCompleted).not.toBe(week.velocity.unitsCompleted);
    await page.click('#ranges button[value="7d"]');
    await expect.poll(() => shown("velocity.unitsCompleted")).toBe(text(week.velocity.unitsCompleted));
    await page.click('#ranges button[value="90d"]');
    await expect.poll(() => shown("velocity.unitsCompleted")).toBe(text(quarter.velocity.unitsCompleted));
    // The third call for 7d sends the ETag it kept; the 304 redraws the kept body.
    await page.click('#ranges button[value="7d"]');
    await page.locator('[data-figure="not-modified"]').waitFor();
    expect(await shown("velocity.unitsCompleted")).toBe(text(week.velocity.unitsCompleted));
    await page.click('#ranges button[value="30d"]');
  });

  it("refresh shows the run's progress until it finishes, then the figures", async () => {
    await signIn("learner@acme.test", "learner");
    await page.click("#refresh");
    await expect.poll(() => page.locator("#run").textContent(), { timeout: 90_000, interval: 500 }).toMatch(/^run (completed|failed)/);
    expect(await page.locator("#run").textContent()).toMatch(/^run completed/);
    await expect.poll(() => page.locator("#refresh").isEnabled()).toBe(true);
    const body = await answer("learner@acme.test", "/api/v1/analytics/learner?timeRange=30d");
    expect(await shown("velocity.unitsCompleted")).toBe(text(body.velocity.unitsCompleted));
    expect(await shown("dataAsOf")).toBe(text(body.dataAsOf));
  }, 120_000);

  it("generates a report and downloads it through the signed URL", async () => {
    await signIn("learner@acme.test", "learner");
    await page.selectOption("#report-format", "csv");
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.click("#generate")]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(download.url()).toContain("/api/v1/reports/");
    const file = readFileSync((await download.path())!, "utf8");
    expect(file.length).toBeGreaterThan(0);
    expect(await page.locator("#report-link").getAttribute("href")).toBe(download.url());
  }, 90_000);

  it("shows a trainer each course's performance, score histogram and at-risk learners with their factors", async () => {
    await signIn("trainer@acme.test", "trainer");
    const body = await answer("trainer@acme.test", "/api/v1/analytics/trainer?timeRange=30d");
    expect(body.courses.length).toBeGreaterThan(0);
    expect(await shown("state")).toBe(body.state);
    for (const course of body.courses) {
      expect(await shown(`${course.code}.enrolled`)).toBe(text(course.performance.enrolled));
      expect(await shown(`${course.code}.averageScore`)).toBe(text(course.performance.averageScore));
      expect(await shown(`${course.code}.scoreCount`)).toBe(text(course.scoreDistribution.count));
      const section = page.locator(`section[data-course="${course.courseId}"]`);
      expect(await section.locator(`canvas[data-chart="histogram-${course.code}"]`).count()).toBe(1);
      expect(await section.locator("tbody tr").count()).toBe(course.atRiskLearners.length);
    }
    await screenshot("trainer");
  });

  it("shows an admin the organisation, departments (suppressed ones as such) and the trend chart", async () => {
    // Two learners of a department of their own: too few to show, so the answer lists it as suppressed.
    const db = await database(api);
    const acmeId = (await db.client.query("select id from organizations where name = 'Acme Learning'")).rows[0].id;
    await db.client.query(
      `insert into users (organization_id, email, name, role, department) values ($1, 'legal1@acme.test', 'L One', 'learner', 'Legal'), ($1, 'legal2@acme.test', 'L Two', 'learner', 'Legal')`,
      [acmeId],
    );
    try {
      // The organisation's cached answer is invalidated as the pipeline would (one INCR of its version).
      const { UPSTASH_REDIS_REST_URL: redisUrl, UPSTASH_REDIS_REST_TOKEN: redisToken } = api.stack.vars as Record<string, string>;
      const incr = await fetch(redisUrl!, {
        method: "POST",
        headers: { Authorization: `Bearer ${redisToken}` },
        body: JSON.stringify(["INCR", `cache:version:organization:${acmeId}`]),
      });
      expect(incr.status).toBe(200);
      await signIn("admin@acme.test", "org_admin");
      const body = await answer("admin@acme.test", "/api/v1/analytics/organization?timeRange=30d");
      const suppressed = body.departments.filter((d: { suppressed?: boolean }) => d.suppressed);
      expect(suppressed.map((d: { department: string }) => d.department)).toContain("Legal");
      expect(await shown("state")).toBe(body.state);
      expect(await shown("summary.unitsPerWeek")).toBe(text(body.summary.unitsPerWeek));
      expect(await page.locator("#departments tbody tr").count()).toBe(body.departments.length);
      expect(await page.locator("#departments [data-suppressed]").count()).toBe(suppressed.length);
      expect(await page.locator('#departments [data-suppressed="Legal"]').textContent()).toBe("suppressed: fewer than 5 learners");
      expect(await page.locator('canvas[data-chart="trend"]').isVisible()).toBe(true);
      await screenshot("admin");
    } finally {
      await db.client.query("delete from users where department = 'Legal'");
      await db.client.end();
    }
  });
});
