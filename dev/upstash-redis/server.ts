import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type Logger, listenOnLoopback, type StandIn, silent } from "../stand-in";
import { type Outcome, openBackend, type RedisBackend, type RedisBackendKind, type Reply } from "./backend";
import { ScriptTranslator, type Translation, type UndeclaredKeys } from "./scripts";

export type { RedisBackendKind };

/**
 * How the endpoint misbehaves, for tests of degraded modes: `down` resets every connection at
 * once (as an unreachable host or a crashed proxy does), `frozen` accepts requests and never
 * answers (as a saturated or partitioned service does), `none` serves normally.
 */
export type RedisFault = "none" | "down" | "frozen";

export interface UpstashRedisStandIn extends StandIn {
  backend: RedisBackendKind;
  /** Switches the fault mode; requests held while frozen are dropped when it ends. */
  setFault(fault: RedisFault): void;
}

export interface UpstashRedisOptions {
  /** The bearer token clients must present. */
  token: string;
  /** Default 0: any free port. The host is always 127.0.0.1. */
  port?: number;
  /** A Redis to put the endpoint in front of (backend kind "external"). */
  redisUrl?: string;
  /** "auto" (default): `redisUrl` when given, else `redis-server` from the PATH, else embedded in-process. */
  backend?: "auto" | RedisBackendKind;
  /**
   * "refuse" (default): any script touching a key not in KEYS fails, since on Upstash such a
   * script takes the global lock; "allow": only scripts flagged `allow-key-locking` are checked.
   */
  undeclaredKeys?: UndeclaredKeys;
  log?: Logger;
}

interface Response {
  status: number;
  body: unknown;
}

/** Commands that would change the state of the one connection every request shares. */
const CONNECTION_STATE = new Set(
  "AUTH HELLO SELECT QUIT RESET MULTI EXEC DISCARD WATCH UNWATCH MONITOR SUBSCRIBE PSUBSCRIBE SSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE SUNSUBSCRIBE".split(
    " ",
  ),
);

/**
 * Serves Upstash's Redis REST API on 127.0.0.1 in front of a Redis, so that the unmodified
 * `@upstash/redis` client (and `@upstash/ratelimit` on top of it) works locally:
 * `POST /` with a JSON command array, `GET|POST /command/arg/...`, `POST /pipeline`, `POST /multi-exec`.
 */
export async function startUpstashRedis(options: UpstashRedisOptions): Promise<UpstashRedisStandIn> {
  const log = options.log ?? silent;
  const backend = await openBackend({ kind: options.backend ?? "auto", redisUrl: options.redisUrl, log });
  const api = new RestApi(backend, options.token, log, new ScriptTranslator(options.undeclaredKeys));
  let fault: RedisFault = "none";
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (fault === "down") return void req.socket.destroy();
    if (fault === "frozen") return void held.add(res);
    void api.handle(req, res);
  });
  let url: string;
  try {
    url = await listenOnLoopback(server, options.port);
  } catch (error) {
    await backend.close();
    throw error;
  }
  log({ event: "upstash-redis.listening", url, backend: backend.kind });
  return {
    url,
    backend: backend.kind,
    setFault(next) {
      fault = next;
      if (next !== "frozen") {
        for (const res of held) res.socket?.destroy();
        held.clear();
      }
      log({ event: "upstash-redis.fault", fault: next });
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The client keeps connections alive; without this, close() would wait for them to time out.
      server.closeAllConnections();
      await closed;
      await backend.close();
      log({ event: "upstash-redis.closed", url });
    },
  };
}

class RestApi {
  #syncToken = 0;

  constructor(
    private readonly backend: RedisBackend,
    private readonly token: string,
    private readonly log: Logger,
    private readonly scripts: ScriptTranslator,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { status, body } = await this.#respond(req);
    // The client sends the latest sync token back for read-your-writes; one Redis is always consistent
    // with itself, so any increasing value will do.
    res.writeHead(status, { "content-type": "application/json", "upstash-sync-token": String(++this.#syncToken) });
    res.end(JSON.stringify(body));
  }

  async #respond(req: IncomingMessage): Promise<Response> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let response: Response;
    if (presentedToken(req, url) !== this.token) {
      response = { status: 401, body: { error: "Unauthorized" } };
    } else if (req.method !== "GET" && req.method !== "POST") {
      response = { status: 405, body: { error: "ERR method not allowed" } };
    } else {
      // Upstash answers malformed requests and failed commands alike with 400 and {"error": "..."}.
      response = await this.#execute(req, url).catch((error: Error) => ({ status: 400, body: { error: error.message } }));
    }
    this.log({ event: "upstash-redis.request", method: req.method, path: url.pathname, status: response.status });
    return response;
  }

  async #execute(req: IncomingMessage, url: URL): Promise<Response> {
    const body = await readBody(req);
    const base64 = String(req.headers["upstash-encoding"]).toLowerCase() === "base64";
    const batch = async (run: (commands: string[][]) => Promise<Outcome[]>) => {
      const translations = commandList(parseJson(body)).map((command) => this.#translate(command));
      const outcomes = await run(translations.map((t) => t.command));
      return outcomes.map((outcome, i) => ("error" in outcome ? outcome : { result: result(translations[i]!, outcome.result, base64) }));
    };
    switch (url.pathname) {
      case "/pipeline":
        return { status: 200, body: await batch((commands) => this.backend.pipeline(commands)) };
      case "/multi-exec":
        return { status: 200, body: await batch((commands) => this.backend.transaction(commands)) };
      default: {
        const command = url.pathname === "/" ? toCommand(parseJson(body)) : pathCommand(url, body);
        const translation = this.#translate(command);
        const reply = await this.backend.command(translation.command);
        return { status: 200, body: { result: result(translation, reply, base64) } };
      }
    }
  }

  #translate(command: string[]): Translation {
    const name = command[0]!.toUpperCase();
    if (CONNECTION_STATE.has(name)) throw new Error(`ERR Command is not available over REST: '${command[0]}'`);
    return this.scripts.translate(command);
  }
}

function presentedToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return url.searchParams.get("_token");
  return /^Bearer (.+)$/i.exec(header)?.[1] ?? null;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString());
  } catch {
    throw new Error("ERR failed to parse the request body as JSON");
  }
}

function commandList(value: unknown): string[][] {
  if (!Array.isArray(value) || value.length === 0) throw new Error("ERR expected a JSON array of commands");
  return value.map(toCommand);
}

/** A command as a JSON array; the client sends numbers and booleans unquoted. */
function toCommand(value: unknown): string[] {
  const isArgument = (part: unknown) => ["string", "number", "boolean"].includes(typeof part);
  if (!Array.isArray(value) || value.length === 0 || !value.every(isArgument)) {
    throw new Error("ERR expected a command as a JSON array of strings");
  }
  return value.map(String);
}

/**
 * `/set/key/value?EX=100`: URL-decoded path segments, then a POST body as one more argument, then
 * the query parameters (other than `_token`) as further arguments.
 */
function pathCommand(url: URL, body: Buffer): string[] {
  const command = url.pathname.slice(1).split("/").map(decodeURIComponent);
  if (body.length > 0) command.push(body.toString());
  for (const [key, value] of url.searchParams) {
    if (key !== "_token") command.push(...(value ? [key, value] : [key]));
  }
  return command;
}

/** A command's JSON result. Upstash leaves a plain "OK" unencoded, and the client expects exactly that. */
function result(translation: Translation, reply: Reply, base64: boolean): unknown {
  const translated = translation.reply ? translation.reply(reply) : reply;
  const isOk = (typeof translated === "string" || Buffer.isBuffer(translated)) && translated.toString() === "OK";
  return isOk ? "OK" : toJson(translated, base64);
}

/**
 * RESP to JSON as Upstash converts it: integers as numbers, nil as null, arrays nested as they come,
 * strings as UTF-8 text, or base64 of their bytes (at any depth) when the client asked for it with
 * `Upstash-Encoding: base64`. An error inside an array (from a script's redis.pcall) becomes its message.
 */
function toJson(reply: Reply, base64: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (reply instanceof Error) return reply.message;
  if (Array.isArray(reply)) return reply.map((item) => toJson(item, base64));
  const bytes = typeof reply === "string" ? Buffer.from(reply) : reply;
  return bytes.toString(base64 ? "base64" : "utf8");
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
