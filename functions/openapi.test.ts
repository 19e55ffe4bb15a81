import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { type Env, loadEnv } from "../core/env";
import { productionEnv } from "../test/env-fixture";
import { createApp, openApiObject } from "./app";

/** Routes that are not part of the public API: the job steps (QStash only), the document itself, and the reference dashboard's page and files. */
const INTERNAL = [/^\/jobs\//, /^\/api\/v1\/openapi\.json$/, /^\/$/, /^\/dashboard\//];

/** The public base URL of a deployment (example.com would be a lint warning, as it should be in production). */
const PUBLIC_BASE_URL = "https://learning-analytics.acme.test";

const envOf = (vars: Record<string, string>): Env => {
  const result = loadEnv({ ...productionEnv, ...vars });
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.env as Env;
};

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}

type Schema = { $ref?: string; properties?: Record<string, unknown>; [key: string]: unknown };

/** Every operation of the document as "method path" → operation. */
const operationsOf = (document: { paths?: object }) =>
  Object.fromEntries(
    Object.entries((document.paths ?? {}) as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.entries(operations ?? {}).map(([method, operation]) => [`${method} ${path}`, operation as Operation]),
    ),
  );

/** What each operation is called: stable, since generated clients name their methods after it. */
const OPERATION_IDS = {
  "get /api/v1/health": "getHealth",
  "get /api/v1/health/live": "getLiveness",
  "get /api/v1/health/ready": "getReadiness",
  "post /api/v1/webhooks/refresh": "receiveWebhook",
  "post /api/v1/auth/login": "login",
  "post /api/v1/auth/refresh": "refreshToken",
  "post /api/v1/auth/logout": "logout",
  "get /api/v1/auth/profile": "getProfile",
  "get /.well-known/jwks.json": "getJwks",
  "get /api/v1/users/{id}": "getUser",
  "get /api/v1/users": "listUsers",
  "post /api/v1/analytics/refresh": "refreshAnalytics",
  "get /api/v1/analytics/runs/{id}": "getRun",
  "get /api/v1/analytics/learner": "getLearnerAnalytics",
  "get /api/v1/analytics/trainer": "getTrainerAnalytics",
  "get /api/v1/analytics/organization": "getOrganizationAnalytics",
  "post /api/v1/reports/generate": "generateReport",
  "get /api/v1/reports/history": "getReportHistory",
  "get /api/v1/reports/{id}/status": "getReportStatus",
  "get /api/v1/reports/{id}/download": "getReportDownload",
  "get /api/v1/reports/{id}/file": "getReportFile",
};

/** The operations anyone may call without a bearer token (the signed file URL and webhooks carry their own proof). */
const PUBLIC = [
  "get /api/v1/health",
  "get /api/v1/health/live",
  "get /api/v1/health/ready",
  "post /api/v1/webhooks/refresh",
  "post /api/v1/auth/login",
  "post /api/v1/auth/refresh",
  "get /.well-known/jwks.json",
  "get /api/v1/reports/{id}/file",
];

// biome-ignore lint/suspicious/noExplicitAny: zod's internals are walked generically
type ZodNode = { _zod: { def: Record<string, any> }; safeParse: unknown };
const isZod = (value: unknown): value is ZodNode =>
  typeof value === "object" && value !== null && "_zod" in value && typeof (value as ZodNode).safeParse === "function";

/** Every zod schema reachable from `roots`: object shapes, array elements, wrappers, unions, pipes, records, … */
function reachableSchemas(roots: unknown[]): Set<ZodNode> {
  const seen = new Set<ZodNode>();
  const visit = (value: unknown): void => {
    if (isZod(value)) {
      if (seen.has(value)) return;
      seen.add(value);
      for (const [key, part] of Object.entries(value._zod.def)) if (key !== "getter") visit(part);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype)
      Object.values(value).forEach(visit);
  };
  roots.forEach(visit);
  return seen;
}

/** The zod schemas the app's routes (request and responses) and registered components use. */
function schemasOf(definitions: OpenAPIHono["openAPIRegistry"]["definitions"]): Set<ZodNode> {
  const roots: unknown[] = [];
  for (const definition of definitions) {
    if (definition.type === "schema") roots.push(definition.schema);
    if (definition.type !== "route") continue;
    const { request, responses } = definition.route;
    roots.push(request?.query, request?.params, request?.headers, request?.cookies, request?.body?.content, responses);
  }
  return reachableSchemas(roots);
}

/** What is not a schema of its own: a transform's function, a strict object's catchall (never), a refinement (custom). */
const PARTS = ["transform", "never", "custom"];

/**
 * The components one schema produces alone: its own (when named) and those of the named schemas
 * inside it. None for the parts the generator renders only within their parent.
 */
function componentsOf(schema: ZodNode): Record<string, unknown> {
  if (PARTS.includes(schema._zod.def.type)) return {};
  const solo = new OpenAPIHono();
  solo.openAPIRegistry.registerPath({
    method: "post",
    path: "/",
    request: { body: { content: { "application/json": { schema: schema as never } } } },
    responses: { 204: { description: "-" } },
  });
  return solo.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "-", version: "0" } }).components?.schemas ?? {};
}

describe("the OpenAPI document", () => {
  const app = createApp();
  const env = envOf({ PUBLIC_BASE_URL });
  const document = app.getOpenAPI31Document(openApiObject(env));
  const operations = operationsOf(document);
  const components = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const resolve = (schema: Schema): Schema => (schema.$ref ? components[schema.$ref.replace("#/components/schemas/", "")]! : schema);
  const requestSchema = (key: string) => resolve(operations[key]!.requestBody!.content["application/json"]!.schema);

  it("lists every route the API serves, with its method", () => {
    const served = app.routes
      .filter((route) => route.method !== "ALL" && !INTERNAL.some((pattern) => pattern.test(route.path)))
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.keys(operations);
    expect(served.length).toBeGreaterThanOrEqual(16);
    expect(documented.sort()).toEqual(expect.arrayContaining(served.sort()));
    expect(new Set(served)).toEqual(new Set(documented));
  });

  it("documents the error responses of every operation as problem+json", () => {
    for (const [key, operation] of Object.entries(operations)) {
      const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      expect(errors.length, `${key} documents no error response`).toBeGreaterThan(0);
      for (const [status, response] of errors)
        expect(Object.keys(response.content ?? {}), `${key} ${status}`).toEqual(["application/problem+json"]);
    }
  });

  it("gives each name to one schema only: every component is what each schema of that name generates", () => {
    const schemas = schemasOf(app.openAPIRegistry.definitions);
    expect(schemas.size).toBeGreaterThan(100);
    const named = new Set<string>();
    for (const schema of schemas) {
      for (const [name, component] of Object.entries(componentsOf(schema))) {
        named.add(name);
        expect(components[name], `two schemas are named ${name}: the document shows only one of them`).toEqual(component);
      }
    }
    // Every component comes from a zod schema of the API (none is stale or hand-written).
    expect(new Set(Object.keys(components))).toEqual(named);
  });

  it("documents the body each refresh route accepts: analytics (userId or courseId) and tokens (refreshToken)", () => {
    const analytics = requestSchema("post /api/v1/analytics/refresh");
    expect(Object.keys(analytics.properties ?? {}).sort()).toEqual(["courseId", "userId"]);
    const tokens = requestSchema("post /api/v1/auth/refresh");
    expect(Object.keys(tokens.properties ?? {})).toEqual(["refreshToken"]);
    expect(operations["post /api/v1/analytics/refresh"]!.requestBody!.content["application/json"]!.schema).not.toEqual(
      operations["post /api/v1/auth/refresh"]!.requestBody!.content["application/json"]!.schema,
    );
  });

  it("gives every operation its own stable camelCase operationId", () => {
    const ids = Object.fromEntries(Object.entries(operations).map(([key, operation]) => [key, operation.operationId]));
    expect(ids).toEqual(OPERATION_IDS);
    for (const id of Object.values(ids)) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(new Set(Object.values(ids)).size).toBe(Object.keys(ids).length);
  });

  it("says of every operation whether it needs a bearer token: security [] on public ones, bearerAuth on the others", () => {
    for (const [key, operation] of Object.entries(operations))
      expect(operation.security, key).toEqual(PUBLIC.includes(key) ? [] : [{ bearerAuth: [] }]);
    expect(document.components?.securitySchemes).toEqual({ bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } });
  });

  it("names the configured public base URL as its server, else JOBS_BASE_URL, without a trailing slash", () => {
    expect(document.servers).toEqual([{ url: PUBLIC_BASE_URL }]);
    expect(openApiObject(envOf({ PUBLIC_BASE_URL: `${PUBLIC_BASE_URL}/` })).servers).toEqual([{ url: PUBLIC_BASE_URL }]);
    expect(openApiObject(envOf({})).servers).toEqual([{ url: productionEnv.JOBS_BASE_URL }]);
  });

  it("passes redocly lint (redocly.yaml: recommended-strict) with no error and no warning", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
    try {
      const file = join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(document));
      const lint = await promisify(execFile)(
        join("node_modules", ".bin", "redocly"),
        ["lint", file, "--config", "redocly.yaml", "--format", "json"],
        { env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
      ).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? "", stderr: error.stderr ?? "" }));
      const report = JSON.parse(lint.stdout) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; message: string; location: { pointer?: string }[] }[];
      };
      const problems = report.problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer ?? ""}: ${problem.message}`);
      expect(problems).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
