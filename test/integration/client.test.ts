import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnalyticsClient, createAnalyticsClient } from "../../client";
import { startTestApi, type TestApi } from "../harness";
import { eventually } from "../pipeline";
import { login } from "../tokens";

// The typed client (client/) against the Worker in workerd, as a dashboard uses it: sign in,
// read learner analytics, refresh them, generate a report and follow it to its file.

let api: TestApi;
let accessToken: string | undefined;
let client: AnalyticsClient;

beforeAll(async () => {
  api = await startTestApi({ RATE_LIMIT_LEARNER: "100000", RATE_LIMIT_ANONYMOUS: "100000" });
  client = createAnalyticsClient({ baseUrl: api.worker.url, getToken: () => accessToken });
});

afterAll(async () => {
  await api?.stop();
});

/** Each test but the sign-in's signs in first, so none depends on another having run. */
const signIn = async () => {
  accessToken = (await login(api.worker, "learner@acme.test")).accessToken;
};

describe("the typed client against the Worker", () => {
  it("signs in, then every request carries the bearer token", async () => {
    accessToken = undefined;
    const unauthenticated = await client.GET("/api/v1/auth/profile");
    expect(unauthenticated.response.status).toBe(401);
    expect(unauthenticated.error).toMatchObject({ status: 401 });

    const signIn = await client.POST("/api/v1/auth/login", { body: { email: "learner@acme.test", password: "demo-password" } });
    expect(signIn.response.status).toBe(200);
    accessToken = signIn.data!.accessToken;
    expect(signIn.data!.tokenType).toBe("Bearer");

    const profile = await client.GET("/api/v1/auth/profile");
    expect(profile.response.status).toBe(200);
    expect(profile.data).toMatchObject({ email: "learner@acme.test", role: "learner" });
  });

  it("refreshes the learner's analytics, waits for the run, then reads them", { timeout: 120_000 }, async () => {
    await signIn();
    const refresh = await client.POST("/api/v1/analytics/refresh", {});
    expect(refresh.response.status).toBe(202);
    const runId = refresh.data!.runId;
    const run = await eventually(
      async () => {
        const { data } = await client.GET("/api/v1/analytics/runs/{id}", { params: { path: { id: runId } } });
        return data && (data.status === "completed" || data.status === "failed") ? data : undefined;
      },
      110_000,
      `run ${runId}`,
    );
    expect(run.status).toBe("completed");

    const learner = await client.GET("/api/v1/analytics/learner", { params: { query: { timeRange: "30d" } } });
    expect(learner.response.status).toBe(200);
    expect(learner.data).toBeDefined();
    expect(learner.error).toBeUndefined();
  });

  it("generates a report and follows it to a signed download URL", { timeout: 60_000 }, async () => {
    await signIn();
    const generate = await client.POST("/api/v1/reports/generate", { body: { type: "learner-progress", format: "csv", timeRange: "30d" } });
    expect(generate.response.status).toBe(202);
    const reportId = generate.data!.reportId;
    const report = await eventually(
      async () => {
        const { data } = await client.GET("/api/v1/reports/{id}/status", { params: { path: { id: reportId } } });
        return data && (data.status === "ready" || data.status === "failed") ? data : undefined;
      },
      50_000,
      `report ${reportId}`,
    );
    expect(report.status).toBe("ready");
    const download = await client.GET("/api/v1/reports/{id}/download", { params: { path: { id: reportId } } });
    expect(download.response.status).toBe(200);
    expect(download.data!.url).toMatch(/^http/);
  });

  it("answers problems as typed errors: a body the API refuses comes back in `error`", async () => {
    await signIn();
    // The client's types already refuse this body (client/client.test.ts); here the server does too.
    const refused = await client.POST("/api/v1/reports/generate", { body: { type: "learner-progress", format: "docx" } as never });
    expect(refused.response.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.error).toMatchObject({ status: 400 });
  });
});
