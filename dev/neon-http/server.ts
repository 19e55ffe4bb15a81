import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { type Logger, listenOnLoopback, type StandIn, silent } from "../stand-in";
import { Executor, errorBody, ResponseTooLarge, type Statement, type TransactionOptions } from "./executor";
import { RequestStats } from "./stats";

/** Neon's SQL-over-HTTP limit on the request body and on the response body alike: 10 MiB. */
export const NEON_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface NeonHttpOptions {
  port?: number;
  /** Refuse a request body over this many bytes (HTTP 413), as Neon does. */
  maxRequestBytes?: number;
  /** Refuse a response over this many bytes (HTTP 507), as Neon does. */
  maxResponseBytes?: number;
  log?: Logger;
}

/** Neon's spelling of the driver's `isolationLevel` option, and what it means in SQL. */
const ISOLATION_LEVELS = new Map([
  ["ReadUncommitted", "READ UNCOMMITTED"],
  ["ReadCommitted", "READ COMMITTED"],
  ["RepeatableRead", "REPEATABLE READ"],
  ["Serializable", "SERIALIZABLE"],
]);

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  statements?: number;
  /** Refused for a body over its limit. */
  refused?: boolean;
}

/** A request Neon would refuse before reaching Postgres (HTTP 400). */
class RequestError extends Error {}

/** Neon's refusal of a request body over its limit (HTTP 413). */
class RequestTooLarge extends Error {
  constructor(limit: number) {
    super(`request is too large (max is ${limit} bytes)`);
  }
}

/**
 * Starts a stand-in for Neon's SQL-over-HTTP endpoint (`POST /sql`) in front of the Postgres that
 * each request names in its Neon-Connection-String header, so the unmodified
 * `@neondatabase/serverless` HTTP driver works locally once `neonConfig.fetchEndpoint` is `${url}/sql`.
 * Neon's size limits hold here too (its proxy's messages and statuses: 413 "request is too
 * large (max is N bytes)", 507 "response is too large (max is N bytes)"), which the driver
 * surfaces as `NeonDbError: Server error (HTTP status 507): …`. `GET /__stats` reports what the
 * requests needed (see stats.ts), `DELETE /__stats` starts counting afresh.
 */
export async function startNeonHttp(options: NeonHttpOptions = {}): Promise<StandIn> {
  const log = options.log ?? silent;
  const executor = new Executor(
    (error) => log({ service: "neon-http", event: "idle-connection-error", error: error.message }),
    options.maxResponseBytes ?? NEON_MAX_BODY_BYTES,
  );
  const stats = new RequestStats();
  const maxRequestBytes = options.maxRequestBytes ?? NEON_MAX_BODY_BYTES;
  const server = createServer((request, response) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname === "/__stats") {
      if (request.method === "DELETE") stats.reset();
      send(response, { status: 200, body: stats.read() });
      return;
    }
    const started = Date.now();
    const finished = stats.begin();
    const received = { bytes: 0 };
    void answer(request, executor, maxRequestBytes, received)
      .catch(failure)
      .then((reply) => {
        const sent = send(response, reply);
        finished();
        stats.sizes(received.bytes, sent, reply.refused === true);
        const { message, code } = reply.status >= 400 ? (reply.body as { message?: string; code?: string }) : {};
        // The connection string is left out on purpose: it carries the database password.
        log({
          service: "neon-http",
          event: "request",
          method: request.method,
          path: request.url,
          status: reply.status,
          statements: reply.statements,
          error: message,
          code: code || undefined,
          durationMs: Date.now() - started,
        });
      });
  });
  const url = await listenOnLoopback(server, options.port);
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await executor.close();
    },
  };
}

async function answer(request: IncomingMessage, executor: Executor, maxRequestBytes: number, received: { bytes: number }): Promise<Reply> {
  const { pathname } = new URL(request.url ?? "/", "http://localhost");
  if (pathname !== "/sql") return { status: 404, body: errorBody(`no endpoint at ${pathname}`) };
  if (request.method !== "POST") return { status: 405, body: errorBody("use POST"), headers: { allow: "POST" } };

  const headers = readHeaders(request);
  const payload = parsePayload(await readBody(request, maxRequestBytes, received), headers.arrayMode);
  if (!payload.batch) {
    const result = await executor.run(headers.connectionString, payload.statements[0]!);
    return { status: 200, body: result, statements: 1 };
  }
  const results = await executor.runTransaction(headers.connectionString, payload.statements, headers.transaction);
  return { status: 200, body: { results }, headers: headers.echo, statements: results.length };
}

function readHeaders(request: IncomingMessage) {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const connectionString = header("neon-connection-string");
  if (!connectionString) throw new RequestError("invalid header: neon-connection-string");
  if (!/^postgres(ql)?:\/\//.test(connectionString)) throw new RequestError("incorrect scheme");
  // Neon would convert values to JSON without this header; the driver always sends it, so the
  // stand-in supports only raw text rather than imitate that conversion half-way.
  if (header("neon-raw-text-output") !== "true") {
    throw new RequestError("this stand-in only serves Neon-Raw-Text-Output: true (as @neondatabase/serverless sends)");
  }
  const level = header("neon-batch-isolation-level");
  const isolationLevel = level === undefined ? undefined : ISOLATION_LEVELS.get(level);
  if (level !== undefined && isolationLevel === undefined) throw new RequestError("invalid isolation level");

  // As in Neon, any value but exactly "true" means false.
  const readOnly = header("neon-batch-read-only") === "true";
  const deferrable = header("neon-batch-deferrable") === "true";
  const transaction: TransactionOptions = { isolationLevel, readOnly, deferrable };
  // Neon confirms the transaction modes it applied to a batch in the response headers.
  const echo: Record<string, string> = {};
  if (level !== undefined) echo["neon-batch-isolation-level"] = level;
  if (readOnly) echo["neon-batch-read-only"] = "true";
  if (deferrable) echo["neon-batch-deferrable"] = "true";
  return { connectionString, arrayMode: header("neon-array-mode") === "true", transaction, echo };
}

/** `{query, params}` for one statement, `{queries: [...]}` for a batch run as one transaction. */
function parsePayload(text: string, defaultArrayMode: boolean): { batch: boolean; statements: Statement[] } {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new RequestError(`could not parse the HTTP request body: ${(error as Error).message}`);
  }
  const statement = (value: unknown): Statement => {
    const { query, params = [], arrayMode = defaultArrayMode } = (value ?? {}) as Record<string, unknown>;
    if (typeof query !== "string" || !Array.isArray(params) || typeof arrayMode !== "boolean") {
      throw new RequestError("the request body must be {query, params?, arrayMode?} or {queries: [...]}");
    }
    return { query, params, arrayMode };
  };
  const { queries } = (payload ?? {}) as Record<string, unknown>;
  if (Array.isArray(queries)) return { batch: true, statements: queries.map(statement) };
  return { batch: false, statements: [statement(payload)] };
}

/**
 * The body as text, refused past `limit` bytes. The rest is still read (and dropped) so that the
 * client gets the 413 rather than a connection reset mid-upload.
 */
async function readBody(request: IncomingMessage, limit: number, received: { bytes: number }): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    received.bytes += (chunk as Buffer).length;
    if (received.bytes <= limit) chunks.push(chunk as Buffer);
  }
  if (received.bytes > limit) throw new RequestTooLarge(limit);
  return Buffer.concat(chunks).toString("utf8");
}

function failure(error: unknown): Reply {
  if (error instanceof RequestTooLarge) return { status: 413, body: errorBody(error.message), refused: true };
  if (error instanceof ResponseTooLarge) return { status: 507, body: errorBody(error.message), refused: true };
  if (error instanceof RequestError) return { status: 400, body: errorBody(error.message) };
  if (error instanceof pg.DatabaseError) return { status: 400, body: errorBody(error.message, error) };
  // Neon answers 5xx when it cannot reach the database; the driver reports the status and body text.
  return { status: 500, body: errorBody(error instanceof Error ? error.message : String(error)) };
}

/** Sends the reply; returns the size of its body in bytes. */
function send(response: ServerResponse, reply: Reply): number {
  const body = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    "content-type": "application/json",
    "access-control-allow-origin": "*",
    ...reply.headers,
  });
  response.end(body);
  return Buffer.byteLength(body);
}
