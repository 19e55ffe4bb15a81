import { OpenAPIHono } from "@hono/zod-openapi";
import { drizzle } from "drizzle-orm/pg-proxy";
import { beforeEach, describe, expect, it } from "vitest";
import { type Env, loadEnv } from "../../core/env";
import type { Database } from "../../db/client";
import * as schema from "../../db/schema";
import { productionEnv } from "../../test/env-fixture";
import type { AppEnv } from "../app-env";
import { signFileUrl } from "../auth/signed-url";
import { onError } from "../errors/handlers";
import { validationHook } from "../errors/validation";
import type { Clients } from "../services/clients";
import { registerReportRoutes } from "./reports";

const env = (() => {
  const result = loadEnv({ ...productionEnv });
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.env as Env;
})();

/** The Workers runtime's FixedLengthStream (a pass-through that knows its length), which Node lacks. */
class FixedLengthStream extends TransformStream<Uint8Array, Uint8Array> {
  constructor(readonly expectedLength: number) {
    super();
  }
}
Object.assign(globalThis, { FixedLengthStream });

const bytes = new TextEncoder().encode('{"title":"Learner progress"}');
const report: Record<string, unknown> = {
  id: "5b7e4c1a-3f7e-4d52-9c1b-1f4a2b3c4d5e",
  organization_id: "0d9f1e2a-6b7c-4d8e-9f10-a1b2c3d4e5f6",
  requested_by: "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  type: "learner-progress",
  format: "json",
  scope_type: "user",
  scope_id: "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  time_range: "30d",
  status: "ready",
  error: null,
  content: `\\x${Buffer.from(bytes).toString("hex")}`,
  content_type: "application/json; charset=utf-8",
  file_name: "learner-progress.json",
  size: bytes.length,
  sha256: "0".repeat(64),
  created_at: new Date(Date.now() - 60_000).toISOString(),
  ready_at: new Date(Date.now() - 50_000).toISOString(),
  expires_at: new Date(Date.now() + 86_400_000).toISOString(),
};

/** The report's file as stored pieces (`report_chunks`, by seq); none: a report stored the old way, in its row. */
let pieces: Uint8Array[] = [bytes];
const hex = (piece: Uint8Array) => `\\x${Buffer.from(piece).toString("hex")}`;

/** Every statement the route sends, and the columns it selects; the one report above and its pieces answer them. */
let statements: { sql: string; columns: string[] }[] = [];
const orm = drizzle(
  async (sql, params) => {
    const columns = sql
      .slice("select ".length, sql.indexOf(" from "))
      .split(", ")
      .map((column) => column.replaceAll('"', ""));
    statements.push({ sql, columns });
    if (sql.includes('from "report_chunks"')) {
      const piece = pieces[Number(params[1])];
      return { rows: piece ? [[hex(piece)]] : [] };
    }
    return { rows: [columns.map((column) => report[column])] };
  },
  { schema },
);
/** A statement that reads the file: its pieces, or the old way, the row's content. */
const readsFile = (statement: { sql: string; columns: string[] }) =>
  statement.columns.includes("content") || statement.sql.includes('from "report_chunks"');

const clients = { db: { orm } as unknown as Database, redis: undefined } as unknown as Clients;

const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
app.onError(onError);
app.use(async (c, next) => {
  c.set("clients", clients);
  await next();
});
registerReportRoutes(app);

const fileUrl = (query: string) => `/api/v1/reports/${report.id}/file?${query}`;
const now = () => Math.floor(Date.now() / 1000);

describe("the signed file route", () => {
  beforeEach(() => {
    statements = [];
    pieces = [bytes];
  });

  it.each([
    ["an expired URL", `exp=${now() - 1}&kid=fixture&sig=${"A".repeat(43)}`],
    ["one beyond the 24 h cap", `exp=${now() + 25 * 3600}&kid=fixture&sig=${"A".repeat(43)}`],
    ["an unknown key id", `exp=${now() + 600}&kid=another&sig=${"A".repeat(43)}`],
    ["a signature that does not decode", `exp=${now() + 600}&kid=fixture&sig=${"A".repeat(41)}`],
  ])("refuses %s with 403 without querying the database", async (_, query) => {
    expect((await app.request(fileUrl(query), {}, env)).status).toBe(403);
    expect(statements).toEqual([]);
  });

  it("reads only the metadata, never the file, for a wrong signature of an existing report", async () => {
    const response = await app.request(fileUrl(`exp=${now() + 600}&kid=fixture&sig=${"A".repeat(43)}`), {}, env);
    expect(response.status).toBe(403);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.columns).toEqual(expect.arrayContaining(["organization_id", "format", "status", "expires_at"]));
    expect(statements[0]!.columns).not.toContain("content");
    expect(statements[0]!.sql).not.toContain("report_chunks");
  });

  const signedPath = async () =>
    (
      await signFileUrl(
        env,
        { reportId: report.id as string, organizationId: report.organization_id as string, format: "json" },
        new Date(),
      )
    ).path;

  it("refuses a report past its expiry with 410, without reading the file", async () => {
    const expiresAt = report.expires_at;
    report.expires_at = new Date(Date.now() - 1000).toISOString();
    try {
      const response = await app.request(await signedPath(), {}, env);
      expect(response.status).toBe(410);
      expect(await response.json()).toMatchObject({ type: "/problems/report-expired", title: "Gone", status: 410 });
      expect(statements.map(readsFile)).toEqual([false]);
    } finally {
      report.expires_at = expiresAt;
    }
  });

  it("reads the file only after the signature holds", async () => {
    const response = await app.request(await signedPath(), {}, env);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    expect(statements.map(readsFile)).toEqual([false, true]);
  });

  it("streams a file of several pieces in order, one query each, with the stored size as Content-Length", async () => {
    pieces = [bytes.subarray(0, 10), bytes.subarray(10, 20), bytes.subarray(20)];
    const response = await app.request(await signedPath(), {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(bytes.length));
    expect(response.headers.get("etag")).toBe(`"${report.sha256}"`);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    expect(statements.filter((statement) => statement.sql.includes('from "report_chunks"'))).toHaveLength(3);
  });

  it("reads a report stored before pieces existed from its row", async () => {
    pieces = [];
    const response = await app.request(await signedPath(), {}, env);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    expect(statements.map((statement) => statement.columns.includes("content"))).toEqual([false, false, true]);
  });
});
