import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../dev/ports";
import { startTestApi, type TestApi } from "../harness";
import { readJson } from "../worker";
import { launchBrowser } from "./browser";

/**
 * The dashboard served from another origin, as a team would host it: its static files from a
 * local HTTP server, the API on the Worker. An origin named in CORS_ORIGINS works; any other is
 * refused by the browser. Also the API reference page at /api/v1/docs, when it is there.
 */
let api: TestApi;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const servers: Server[] = [];
let allowed: string;
let refused: string;

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

/** public/dashboard over HTTP on `port`, the page at / naming `apiUrl` as the API. */
async function serveDashboard(port: number, apiUrl: string): Promise<string> {
  const root = join(process.cwd(), "public");
  const server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? "/", "http://x").pathname);
    const file = path === "/" ? "/dashboard/index.html" : path;
    if (!file.startsWith("/dashboard/")) return void response.writeHead(404).end();
    try {
      let body: string | Buffer = readFileSync(join(root, file));
      if (file.endsWith(".html"))
        body = body.toString().replace('name="api-base-url" content=""', `name="api-base-url" content="${apiUrl}"`);
      response.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  const [allowedPort, refusedPort] = [await freePort(), await freePort()];
  api = await startTestApi({ CORS_ORIGINS: `http://127.0.0.1:${allowedPort}` });
  allowed = await serveDashboard(allowedPort, api.worker.url);
  refused = await serveDashboard(refusedPort, api.worker.url);
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.close();
  await api?.stop();
});

async function signIn(origin: string) {
  await page.goto(`${origin}/`);
  await page.fill('input[name="email"]', "learner@acme.test");
  await page.fill('input[name="password"]', "demo-password");
  await page.click('#signin-form button[type="submit"]');
}

describe("the dashboard on another origin", () => {
  it("works from an origin CORS_ORIGINS names: sign-in, profile and analytics cross origins", async () => {
    await signIn(allowed);
    await page.locator('#dashboard[data-role="learner"]').waitFor();
    expect(await page.locator("#who").textContent()).toContain("Lee Learner");
    await page.locator('[data-figure="state"]').waitFor();
  });

  it("is refused from any other origin: the browser blocks the call and the page says so", async () => {
    await signIn(refused);
    await page.locator("#message.error").waitFor();
    expect(await page.locator("#message").textContent()).toMatch(/could not be reached/);
    expect(await page.locator("#dashboard").isHidden()).toBe(true);
  });
});

describe("the API reference page", () => {
  it("renders every operation of the OpenAPI document", async (context) => {
    const docs = await api.worker.fetch("/api/v1/docs");
    await docs.body?.cancel();
    if (docs.status !== 200) return context.skip();
    const document = await readJson(await api.worker.fetch("/api/v1/openapi.json"));
    const operationIds: string[] = Object.values(document.paths).flatMap((item) =>
      Object.values(item as Record<string, { operationId?: string }>).flatMap((operation) =>
        operation?.operationId ? [operation.operationId] : [],
      ),
    );
    expect(operationIds.length).toBeGreaterThan(10);
    await page.goto(`${api.worker.url}/api/v1/docs`);
    await expect.poll(() => page.locator(".opblock").count(), { timeout: 20_000 }).toBe(operationIds.length);
    const rendered = await page.locator(".opblock").evaluateAll((blocks) => blocks.map((block) => block.id));
    for (const id of operationIds)
      expect(
        rendered.some((blockId) => blockId.endsWith(`-${id}`)),
        id,
      ).toBe(true);
  });
});
