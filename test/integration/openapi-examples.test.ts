import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roster } from "../../dev/demo/roster";
import { createApp } from "../../functions/app";
import { signWebhook } from "../../functions/auth/webhook-signature";
import { EXAMPLE_IDS } from "../../functions/schemas/common";
import { startTestApi, type TestApi } from "../harness";
import { bearer, claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { readJson } from "../worker";

/**
 * Every example the OpenAPI document gives (request bodies, path and query parameters), sent as
 * written to the Worker: a client that copies one must not be refused by validation.
 */

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  example?: unknown;
  schema?: { example?: unknown; examples?: unknown[] };
}
interface MediaType {
  schema: { $ref?: string; example?: unknown; examples?: unknown[] };
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  operationId: string;
  security: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
}
interface Document {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, MediaType["schema"]> };
}

/** What validation answers: none of these may come back for a documented example. */
const REFUSED = [400, 415, 422];

/** The answers the examples get on the demo data (the signed file URL and refresh token are made up, so refused). */
const ANSWERS: Record<string, number> = {
  login: 200,
  refreshToken: 401,
  refreshAnalytics: 202,
  generateReport: 202,
  receiveWebhook: 202,
  listUsers: 200,
  getReportHistory: 200,
  getReportFile: 403,
};

/**
 * Who calls the operations behind bearerAuth: a demo admin (every scope of the organisation), but
 * for the trainer's analytics, which an admin must call with a trainerId (the analytics query schemas
 * carry no examples yet).
 */
const callerOf = (operationId: string) => (operationId === "getTrainerAnalytics" ? "trainer@acme.test" : "admin@acme.test");

/** The operations of the document, as this code generates it (the Worker serves the same). */
const operationIds = Object.values(createApp().getOpenAPI31Document({ openapi: "3.1.0", info: { title: "-", version: "0" } }).paths ?? {})
  .flatMap((operations) => Object.values(operations ?? {}) as Operation[])
  .map((operation) => operation.operationId);

let api: TestApi;
let document: Document;

beforeAll(async () => {
  api = await startTestApi();
  const response = await api.worker.fetch("/api/v1/openapi.json");
  expect(response.status).toBe(200);
  document = await readJson(response);
});

afterAll(async () => {
  await api?.stop();
});

const exampleOf = (parameter: Parameter) => parameter.example ?? parameter.schema?.example ?? parameter.schema?.examples?.[0];

/** Every body example of an operation: the media type's own, else its schema's (through a component reference). */
function bodyExamples(operation: Operation): unknown[] {
  const media = operation.requestBody?.content["application/json"];
  if (!media) return [];
  const schema = media.schema.$ref ? document.components.schemas[media.schema.$ref.replace("#/components/schemas/", "")]! : media.schema;
  const examples = [
    ...Object.values(media.examples ?? {}).map((example) => example.value),
    ...(media.example === undefined ? [] : [media.example]),
  ];
  if (examples.length > 0) return examples;
  return [...(schema.example === undefined ? [] : [schema.example]), ...(schema.examples ?? [])];
}

/** The operation's request with its parameter examples: path, query and, behind bearerAuth, a demo user's token. */
async function requestFor(path: string, operation: Operation): Promise<{ url: string; headers: Record<string, string> }> {
  const parameters = operation.parameters ?? [];
  const query = new URLSearchParams();
  let resolved = path;
  for (const parameter of parameters) {
    const example = exampleOf(parameter);
    if (parameter.in === "path") {
      expect(example, `${operation.operationId}: path parameter ${parameter.name} has no example`).toBeDefined();
      resolved = resolved.replace(`{${parameter.name}}`, encodeURIComponent(String(example)));
    }
    if (parameter.in === "query" && example !== undefined) query.set(parameter.name, String(example));
  }
  const headers: Record<string, string> = {};
  if (operation.security.some((requirement) => "bearerAuth" in requirement))
    Object.assign(headers, bearer(await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(callerOf(operation.operationId)))));
  const search = query.size > 0 ? `?${query}` : "";
  return { url: `${document.servers[0]!.url}${resolved}${search}`, headers };
}

/** Webhook deliveries carry no token: they are signed (X-Webhook-*), as the operation's header parameters say. */
async function signedDelivery(raw: string): Promise<Record<string, string>> {
  const secret = (JSON.parse(api.stack.vars.WEBHOOK_SECRETS) as Record<string, string>).assessment!;
  const delivery = crypto.randomUUID();
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    "X-Webhook-Service": "assessment",
    "X-Webhook-Delivery": delivery,
    "X-Webhook-Timestamp": String(timestamp),
    "X-Webhook-Signature": await signWebhook(secret, timestamp, delivery, raw),
  };
}

const find = (operationId: string) => {
  for (const [path, operations] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(operations))
      if (operation.operationId === operationId) return { path, method, operation };
  throw new Error(`the served document has no operation ${operationId}`);
};

describe("the OpenAPI document's examples", () => {
  it("use the demo roster's ids, and the document names this Worker as its server", () => {
    expect(EXAMPLE_IDS.learner).toBe(demoUser("learner@acme.test").id);
    expect(EXAMPLE_IDS.course).toBe(roster.courses.find((course) => course.code === "TS-101")?.id);
    expect(document.servers).toEqual([{ url: api.worker.url.replace(/\/+$/, "") }]);
  });

  it.each(operationIds)("%s: its documented examples pass validation", async (operationId) => {
    const { path, method, operation } = find(operationId);
    const { url, headers } = await requestFor(path, operation);
    const bodies = operation.requestBody ? bodyExamples(operation) : [undefined];
    expect(bodies.length, `${operationId} documents a request body without an example`).toBeGreaterThan(0);
    for (const body of bodies) {
      const raw = body === undefined ? undefined : JSON.stringify(body);
      const signed = operation.parameters?.some((parameter) => parameter.name === "x-webhook-signature")
        ? await signedDelivery(raw ?? "")
        : {};
      const response = await fetch(url, {
        method: method.toUpperCase(),
        headers: { ...headers, ...signed, ...(raw === undefined ? {} : { "Content-Type": "application/json" }) },
        body: raw,
      });
      const answer = `${method.toUpperCase()} ${url} ${raw ?? ""} → ${response.status} ${await response.text()}`;
      expect(REFUSED, answer).not.toContain(response.status);
      expect(response.status, answer).toBeLessThan(500);
      if (operationId in ANSWERS) expect(response.status, answer).toBe(ANSWERS[operationId]);
    }
  });
});
