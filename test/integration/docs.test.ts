import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.stop();
});

/** The URLs a page loads as scripts and stylesheets. */
const assetsOf = (html: string) => ({
  scripts: [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!),
  styles: [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map((match) => match[1]!),
});

/** A URL of this origin: a path, never a scheme or a protocol-relative "//host". */
const sameOrigin = (url: string) => url.startsWith("/") && !url.startsWith("//");

describe("GET /api/v1/docs: the interactive API reference", () => {
  it("is an HTML page that loads only this Worker's scripts and styles, under a CSP that allows nothing else", async () => {
    const response = await api.worker.fetch("/api/v1/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(csp).not.toMatch(/https?:/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");

    const html = await response.text();
    const { scripts, styles } = assetsOf(html);
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    expect(styles.length).toBeGreaterThanOrEqual(1);
    for (const url of [...scripts, ...styles]) expect(url, url).toSatisfy(sameOrigin);
    // No inline script: the CSP would block it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("serves every script and stylesheet the page references, with its content type", async () => {
    const { scripts, styles } = assetsOf(await (await api.worker.fetch("/api/v1/docs")).text());
    const expectations = [
      ...scripts.map((url) => [url, /^(text|application)\/javascript/] as const),
      ...styles.map((url) => [url, /^text\/css/] as const),
    ];
    for (const [url, type] of expectations) {
      const response = await api.worker.fetch(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get("content-type"), url).toMatch(type);
      expect((await response.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
    }
  });

  it("renders the document this Worker serves, trying requests against the page's own origin", async () => {
    const init = await (await api.worker.fetch("/api/v1/docs/init.js")).text();
    expect(init).toContain('fetch("/api/v1/openapi.json"');
    expect(init).toContain("window.location.origin");
    expect(init).toContain("validatorUrl: null");
  });

  it("leaves the API's own headers alone: JSON routes keep default-src 'none' and run the Worker", async () => {
    const response = await api.worker.fetch("/api/v1/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("content-security-policy")).not.toContain("script-src");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    const missing = await api.worker.fetch("/api/v1/docs/nothing-here.js");
    expect(missing.status).toBe(404);
  });
});
