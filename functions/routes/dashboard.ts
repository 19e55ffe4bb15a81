import type { Context, Hono } from "hono";
import type { Env } from "../../core/env";
import type { AppEnv } from "../app-env";

/**
 * The reference dashboard's page may run and load its own scripts and styles and call its own
 * origin, nothing else (the API's responses keep `default-src 'none'`).
 */
const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** DASHBOARD_ENABLED when set; unset, on in development only (production keeps it off unless configured). */
export const dashboardEnabled = (env: Pick<Env, "DASHBOARD_ENABLED" | "ENVIRONMENT">): boolean =>
  env.DASHBOARD_ENABLED === undefined ? env.ENVIRONMENT === "development" : env.DASHBOARD_ENABLED === "true";

/** One file of public/dashboard through the assets binding, under the page's own CSP; anything missing is the API's 404. */
async function serveAsset(c: Context<AppEnv>, path: string): Promise<Response> {
  const assets = c.env.ASSETS;
  if (!dashboardEnabled(c.env) || !assets) return c.notFound();
  const response = await assets.fetch(new Request(new URL(path, c.req.url), { headers: c.req.raw.headers }));
  if (response.status === 404) return c.notFound();
  const headers = new Headers(response.headers);
  headers.set("Content-Security-Policy", DASHBOARD_CSP);
  headers.set("Cache-Control", "no-cache");
  return new Response(response.body, { status: response.status, headers });
}

/**
 * `/` (the page) and `/dashboard/*` (its script and stylesheet) run the Worker first (wrangler.toml
 * `run_worker_first`), so the gate holds: with the dashboard off they answer the usual 404 problem.
 * Registered before CORS, the clients and the guards: a static file needs none of them.
 */
export function registerDashboardRoutes(app: Hono<AppEnv>): void {
  app.get("/", (c) => serveAsset(c, "/dashboard/"));
  app.get("/dashboard/*", (c) => serveAsset(c, c.req.path));
}
