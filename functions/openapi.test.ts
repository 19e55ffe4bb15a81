import { describe, expect, it } from "vitest";
import { createApp } from "./app";

/** Routes that are not part of the public API: the job steps (QStash only) and the document itself. */
const INTERNAL = [/^\/jobs\//, /^\/api\/v1\/openapi\.json$/];

describe("the OpenAPI document", () => {
  const app = createApp();
  const document = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "test", version: "0" } });

  it("lists every route the API serves, with its method", () => {
    const served = app.routes
      .filter((route) => route.method !== "ALL" && !INTERNAL.some((pattern) => pattern.test(route.path)))
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, operations]) =>
      Object.keys(operations ?? {}).map((method) => `${method} ${path}`),
    );
    expect(served.length).toBeGreaterThanOrEqual(16);
    expect(documented.sort()).toEqual(expect.arrayContaining(served.sort()));
    expect(new Set(served)).toEqual(new Set(documented));
  });

  it("documents the error responses of every operation as problem+json", () => {
    for (const [path, operations] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(operations ?? {})) {
        const responses = (operation as { responses: Record<string, { content?: Record<string, unknown> }> }).responses;
        const errors = Object.entries(responses).filter(([status]) => Number(status) >= 400);
        expect(errors.length, `${method} ${path} documents no error response`).toBeGreaterThan(0);
        for (const [status, response] of errors)
          expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual(["application/problem+json"]);
      }
    }
  });
});
