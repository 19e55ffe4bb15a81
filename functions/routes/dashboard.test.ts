import { describe, expect, it } from "vitest";
import { loadEnv } from "../../core/env";
import { productionEnv } from "../../test/env-fixture";
import { createApp } from "../app";

/** Workers static assets as the Worker sees them: public/dashboard's files, nothing else. */
const assets = {
  fetch: async (input: RequestInfo | URL) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const files: Record<string, [string, string]> = {
      "/dashboard/": ["<!doctype html><title>Learning Analytics</title>", "text/html"],
      "/dashboard/app.js": ["console.log(1)", "text/javascript"],
    };
    const file = files[path];
    return file ? new Response(file[0], { headers: { "Content-Type": file[1] } }) : new Response("not found", { status: 404 });
  },
} as unknown as Fetcher;

function request(path: string, vars: Record<string, string>) {
  const loaded = loadEnv({ ...productionEnv, ...vars, ASSETS: assets });
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  return createApp().request(path, {}, loaded.env);
}

describe("the reference dashboard's gate", () => {
  it("is off in production unless configured: / and its files answer the API's 404 problem", async () => {
    for (const path of ["/", "/dashboard/app.js"]) {
      const response = await request(path, {});
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
  });

  it("is on in development unless turned off", async () => {
    expect((await request("/", { ENVIRONMENT: "development" })).status).toBe(200);
    expect((await request("/", { ENVIRONMENT: "development", DASHBOARD_ENABLED: "false" })).status).toBe(404);
  });

  it("serves the page and its files under the page's own CSP when enabled; anything else is the 404 problem", async () => {
    const page = await request("/", { DASHBOARD_ENABLED: "true" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Learning Analytics");
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect((await request("/dashboard/app.js", { DASHBOARD_ENABLED: "true" })).status).toBe(200);
    const missing = await request("/dashboard/nothing.js", { DASHBOARD_ENABLED: "true" });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });

  it("leaves the API's own policy alone", async () => {
    const response = await request("/api/v1/health/live", { DASHBOARD_ENABLED: "true" });
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("refuses a value other than true or false", () => {
    expect(loadEnv({ ...productionEnv, DASHBOARD_ENABLED: "yes" }).ok).toBe(false);
  });
});
