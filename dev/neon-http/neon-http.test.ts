// @vitest-environment node

import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NeonDbError, neon, neonConfig, types } from "@neondatabase/serverless";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresHandle, startPostgres } from "../postgres";
import type { StandIn } from "../stand-in";
import { NEON_MAX_BODY_BYTES, startNeonHttp } from "./server";
import type { NeonHttpStats } from "./stats";

let dataDir: string;
let postgres: PostgresHandle;
let standIn: StandIn;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "neon-http-"));
  postgres = await startPostgres({ dataDir, persistent: false });
  standIn = await startNeonHttp({ log: (entry) => logged.push(entry) });
  neonConfig.fetchEndpoint = () => `${standIn.url}/sql`;
});

afterAll(async () => {
  await standIn?.close();
  await postgres?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A table name no other test uses. */
const tableName = (purpose: string) => `${purpose}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

/** The rejection of `promise`, which must be a NeonDbError. */
async function dbError(promise: Promise<unknown>): Promise<NeonDbError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(NeonDbError);
  return error as NeonDbError;
}

describe("queries", () => {
  it("binds tagged-template parameters", async () => {
    const sql = neon(postgres.url);
    const rows = await sql`select ${2}::int + ${3}::int as sum, ${"it's"}::text as quote`;
    expect(rows).toEqual([{ sum: 5, quote: "it's" }]);
  });

  it("binds sql.query parameters, including null", async () => {
    const sql = neon(postgres.url);
    const rows = await sql.query("select $1::text as a, $2::int as b", ["x", null]);
    expect(rows).toEqual([{ a: "x", b: null }]);
  });

  it("returns arrays in arrayMode", async () => {
    const sql = neon(postgres.url, { arrayMode: true });
    expect(await sql`select 1 as one, 'two' as two`).toEqual([[1, "two"]]);
    expect(await sql.query("select 1 as one", [], { arrayMode: false })).toEqual([{ one: 1 }]);
  });

  it("returns the fields, command and row count with fullResults", async () => {
    const sql = neon(postgres.url, { fullResults: true });
    const table = tableName("full");
    const created = await sql.query(`create table ${table} (id int primary key, label text)`);
    expect(created).toMatchObject({ command: "CREATE", rowCount: null, fields: [], rows: [] });

    const inserted = await sql.query(`insert into ${table} values (1, 'a'), (2, 'b')`);
    expect(inserted).toMatchObject({ command: "INSERT", rowCount: 2 });

    const selected = await sql.query(`select id, label from ${table} order by id`);
    expect(selected.command).toBe("SELECT");
    expect(selected.rowCount).toBe(2);
    expect(selected.rowAsArray).toBe(false);
    expect(selected.rows).toEqual([
      { id: 1, label: "a" },
      { id: 2, label: "b" },
    ]);
    expect(selected.fields.map((field) => [field.name, field.dataTypeID])).toEqual([
      ["id", 23],
      ["label", 25],
    ]);
    expect(selected.fields[0]).toMatchObject({
      tableID: expect.any(Number),
      columnID: 1,
      dataTypeSize: 4,
      dataTypeModifier: -1,
      format: "text",
    });
  });

  it("rejects several statements in one query, as Neon does", async () => {
    const sql = neon(postgres.url);
    const error = await dbError(sql.query("select 1; select 2"));
    expect(error.code).toBe("42601");
  });
});

describe("types round-trip through the driver's own parsers", () => {
  it("parses Postgres text output by type", async () => {
    const sql = neon(postgres.url);
    const at = new Date("2024-03-01T12:34:56.789Z");
    const [row] = await sql`
      select ${at}::timestamptz as at,
             '2024-02-29'::date as day,
             ${"12345.678900"}::numeric as amount,
             ${"9007199254740993"}::int8 as big,
             ${true}::bool as yes,
             ${JSON.stringify({ a: [1, "b"] })}::json as doc,
             ${{ nested: { ok: true } }}::jsonb as docb,
             ${["a", "b,c", 'say "hi"', null]}::text[] as words,
             ${[1, 2, 3]}::int[] as numbers,
             ${Buffer.from([0, 1, 254, 255])}::bytea as bytes,
             ${"6f1c9f2e-8a9b-4c1d-9e2f-0a1b2c3d4e5f"}::uuid as id,
             null::text as nothing`;
    expect(row!.at).toEqual(at);
    expect(row!.day).toBeInstanceOf(Date);
    expect([row!.day.getFullYear(), row!.day.getMonth() + 1, row!.day.getDate()]).toEqual([2024, 2, 29]);
    expect(row!.amount).toBe("12345.678900");
    expect(row!.big).toBe("9007199254740993");
    expect(row!.yes).toBe(true);
    expect(row!.doc).toEqual({ a: [1, "b"] });
    expect(row!.docb).toEqual({ nested: { ok: true } });
    expect(row!.words).toEqual(["a", "b,c", 'say "hi"', null]);
    expect(row!.numbers).toEqual([1, 2, 3]);
    expect([...row!.bytes]).toEqual([0, 1, 254, 255]);
    expect(row!.id).toBe("6f1c9f2e-8a9b-4c1d-9e2f-0a1b2c3d4e5f");
    expect(row!.nothing).toBeNull();
  });

  it("stores and reads back the same values through a table", async () => {
    const sql = neon(postgres.url);
    const table = tableName("typed");
    await sql.query(
      `create table ${table} (id uuid primary key default gen_random_uuid(), at timestamptz, tags text[], payload jsonb, raw bytea)`,
    );
    const at = new Date("2025-12-31T23:59:59.123Z");
    const [inserted] = await sql.query(`insert into ${table} (at, tags, payload, raw) values ($1, $2, $3, $4) returning *`, [
      at,
      ["x", "y"],
      { n: 1 },
      Buffer.from("hello"),
    ]);
    expect(inserted).toMatchObject({ at, tags: ["x", "y"], payload: { n: 1 } });
    expect(Buffer.from(inserted!.raw).toString()).toBe("hello");
    expect(inserted!.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("transactions", () => {
  it("runs a batch in one transaction and returns one result per statement", async () => {
    const sql = neon(postgres.url);
    const table = tableName("batch");
    await sql.query(`create table ${table} (id int primary key)`);
    const [txBefore, first, second, all, txAfter] = await sql.transaction([
      sql`select txid_current()::text as tx`,
      sql.query(`insert into ${table} values (1) returning id`),
      sql.query(`insert into ${table} values ($1) returning id`, [2]),
      sql.query(`select count(*)::int as n from ${table}`),
      sql`select txid_current()::text as tx`,
    ]);
    expect(first).toEqual([{ id: 1 }]);
    expect(second).toEqual([{ id: 2 }]);
    expect(all).toEqual([{ n: 2 }]);
    expect(txAfter).toEqual(txBefore);
  });

  it("applies the isolation level, read-only and deferrable options", async () => {
    const sql = neon(postgres.url);
    const strict = await sql.transaction(
      [sql`show transaction_isolation`, sql`show transaction_read_only`, sql`show transaction_deferrable`],
      { isolationLevel: "Serializable", readOnly: true, deferrable: true },
    );
    expect(strict).toEqual([
      [{ transaction_isolation: "serializable" }],
      [{ transaction_read_only: "on" }],
      [{ transaction_deferrable: "on" }],
    ]);

    const repeatable = await sql.transaction([sql`show transaction_isolation`], { isolationLevel: "RepeatableRead" });
    expect(repeatable).toEqual([[{ transaction_isolation: "repeatable read" }]]);
  });

  it("refuses writes in a read-only transaction", async () => {
    const sql = neon(postgres.url);
    const table = tableName("readonly");
    await sql.query(`create table ${table} (id int)`);
    const error = await dbError(sql.transaction([sql.query(`insert into ${table} values (1)`)], { readOnly: true }));
    expect(error.code).toBe("25006");
  });

  it("rolls back every statement when one fails", async () => {
    const sql = neon(postgres.url);
    const table = tableName("rollback");
    await sql.query(`create table ${table} (id int primary key)`);
    const error = await dbError(
      sql.transaction([
        sql.query(`insert into ${table} values (1)`),
        sql.query(`insert into ${table} values (2)`),
        sql.query(`insert into ${table} values (1)`),
      ]),
    );
    expect(error.code).toBe("23505");
    expect(await sql.query(`select count(*)::int as n from ${table}`)).toEqual([{ n: 0 }]);
    // The connection went back to the pool clean: the next statement is not inside an aborted transaction.
    expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
  });
});

describe("errors", () => {
  it("passes a unique violation through with its SQLSTATE and details", async () => {
    const sql = neon(postgres.url);
    const table = tableName("unique");
    await sql.query(`create table ${table} (email text constraint ${table}_email_key unique)`);
    await sql.query(`insert into ${table} values ($1)`, ["a@example.com"]);
    const error = await dbError(sql.query(`insert into ${table} values ($1)`, ["a@example.com"]));
    expect(error.code).toBe("23505");
    expect(error.message).toContain("duplicate key value violates unique constraint");
    expect(error.severity).toBe("ERROR");
    expect(error.constraint).toBe(`${table}_email_key`);
    expect(error.table).toBe(table);
    expect(error.schema).toBe("public");
    expect(error.detail).toBe("Key (email)=(a@example.com) already exists.");
  });

  it("passes a syntax error through with its position", async () => {
    const sql = neon(postgres.url);
    const error = await dbError(sql.query("select * frm nowhere"));
    expect(error.code).toBe("42601");
    expect(error.message).toBe('syntax error at or near "frm"');
    expect(error.position).toBe("10");
    expect(error.hint).toBeUndefined();
  });

  it("reports an unreachable database as a server error", async () => {
    const sql = neon("postgres://postgres:postgres@127.0.0.1:1/analytics");
    const error = await dbError(sql`select 1`);
    expect(error.message).toMatch(/^Server error \(HTTP status 500\)/);
  });
});

describe("drizzle-orm/neon-http", () => {
  // drizzle's driver replaces the driver's global parsers of timestamptz, timestamp, date and interval
  // and of the arrays of numeric, timestamp, timestamptz, interval and date with its own (which keep
  // the text); they are put back after, so the tests of the driver's own parsers pass in any order.
  const swapped = [1184, 1114, 1082, 1186, 1231, 1115, 1185, 1187, 1182];
  const saved = swapped.map((oid) => [oid, types.getTypeParser(oid)] as const);
  afterAll(() => {
    for (const [oid, parser] of saved) types.setTypeParser(oid, parser);
  });

  it("inserts and selects through a pgTable", async () => {
    const name = tableName("drizzle");
    const notes = pgTable(name, {
      id: serial("id").primaryKey(),
      body: text("body").notNull(),
      createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    });
    const sql = neon(postgres.url);
    await sql.query(`create table ${name} (id serial primary key, body text not null, created_at timestamptz not null default now())`);
    const db = drizzle({ client: sql });

    const [inserted] = await db
      .insert(notes)
      .values([{ body: "first" }, { body: "second" }])
      .returning();
    expect(inserted).toMatchObject({ id: 1, body: "first", createdAt: expect.any(Date) });
    const found = await db.select({ id: notes.id, body: notes.body }).from(notes).where(eq(notes.body, "second"));
    expect(found).toEqual([{ id: 2, body: "second" }]);
  });
});

describe("HTTP surface", () => {
  it("answers 400 without a connection string", async () => {
    const response = await fetch(`${standIn.url}/sql`, {
      method: "POST",
      headers: { "content-type": "application/json", "Neon-Raw-Text-Output": "true" },
      body: JSON.stringify({ query: "select 1", params: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: "invalid header: neon-connection-string", code: "" });
  });

  it("answers 404 on any other path", async () => {
    const response = await fetch(`${standIn.url}/nowhere`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
  });

  it("logs one entry per request, without the connection string", async () => {
    const before = logged.length;
    await neon(postgres.url)`select 1`;
    expect(logged.slice(before)).toEqual([
      expect.objectContaining({ service: "neon-http", event: "request", method: "POST", path: "/sql", status: 200, statements: 1 }),
    ]);
    expect(JSON.stringify(logged)).not.toContain("postgres:postgres@");
  });
});

describe("limits Neon enforces, and the statistics", () => {
  // Small limits so the tests need not move 10 MiB; the default is Neon's own.
  const LIMIT = 1_000;
  let limited: StandIn;
  /** Runs `work` with the driver sent to the limited stand-in (the endpoint is a global setting of the driver). */
  async function throughLimited<T>(work: () => Promise<T>): Promise<T> {
    neonConfig.fetchEndpoint = () => `${limited.url}/sql`;
    try {
      return await work();
    } finally {
      neonConfig.fetchEndpoint = () => `${standIn.url}/sql`;
    }
  }
  const stats = async (method: "GET" | "DELETE" = "GET") =>
    (await (await fetch(`${limited.url}/__stats`, { method })).json()) as NeonHttpStats;

  beforeAll(async () => {
    limited = await startNeonHttp({ maxRequestBytes: LIMIT, maxResponseBytes: LIMIT });
  });
  afterAll(() => limited?.close());

  it("defaults to Neon's 10 MiB for both", () => {
    expect(NEON_MAX_BODY_BYTES).toBe(10_485_760);
  });

  it("refuses a request body over the limit with Neon's 413, which the driver throws", async () => {
    const sql = neon(postgres.url);
    expect(await throughLimited(() => sql`select ${"x".repeat(100)}::text as small`)).toEqual([{ small: "x".repeat(100) }]);
    const error = await dbError(throughLimited(() => sql`select ${"x".repeat(LIMIT)}::text as big`));
    expect(error.message).toMatch(/^Server error \(HTTP status 413\): /);
    expect(error.message).toContain("request is too large (max is 1000 bytes)");
  });

  it("refuses a response over the limit with Neon's 507, which the driver throws", async () => {
    const sql = neon(postgres.url);
    expect(await throughLimited(() => sql`select repeat('x', 100) as small`)).toEqual([{ small: "x".repeat(100) }]);
    const error = await dbError(throughLimited(() => sql`select repeat('x', ${LIMIT}) as big`));
    expect(error.message).toMatch(/^Server error \(HTTP status 507\): /);
    expect(error.message).toContain("response is too large (max is 1000 bytes)");
  });

  it("rolls back a transaction whose results are over the limit", async () => {
    const table = tableName("oversized");
    const sql = neon(postgres.url);
    await sql.query(`create table ${table} (id int)`);
    const error = await dbError(
      throughLimited(() => sql.transaction([sql.query(`insert into ${table} values (1)`), sql`select repeat('x', ${LIMIT}) as big`])),
    );
    expect(error.message).toContain("HTTP status 507");
    expect(await sql.query(`select count(*)::int as n from ${table}`)).toEqual([{ n: 0 }]);
  });

  it("counts requests, the largest bodies, the most in flight and the refusals, until reset", async () => {
    await stats("DELETE");
    /** Status and body size of one request. */
    const post = async (body: string) => {
      const response = await fetch(`${limited.url}/sql`, {
        method: "POST",
        headers: { "Neon-Connection-String": postgres.url, "Neon-Raw-Text-Output": "true" },
        body,
      });
      return [response.status, Buffer.byteLength(await response.text())] as const;
    };
    const one = await post(JSON.stringify({ query: "select 1 as one", params: [] }));
    // Three at once, each holding its connection 300 ms: all three are in flight together.
    const sleeping = JSON.stringify({ query: "select pg_sleep(0.3)", params: [] });
    const slept = await Promise.all([post(sleeping), post(sleeping), post(sleeping)]);
    const oversized = JSON.stringify({ query: "select $1::text", params: ["x".repeat(LIMIT)] });
    const refused = await post(oversized);
    expect([one, ...slept, refused].map(([status]) => status)).toEqual([200, 200, 200, 200, 413]);

    expect(await stats()).toEqual({
      requests: 5,
      maxRequestBytes: Buffer.byteLength(oversized),
      maxResponseBytes: Math.max(...[one, ...slept, refused].map(([, bytes]) => bytes)),
      maxConcurrentRequests: 3,
      refused: 1,
    });
    expect(await stats("DELETE")).toEqual({ requests: 0, maxRequestBytes: 0, maxResponseBytes: 0, maxConcurrentRequests: 0, refused: 0 });
  });
});
