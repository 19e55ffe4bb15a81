import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { z } from "zod";
import { type Logger, listenOnLoopback, type StandIn, silent } from "../stand-in";
import { Deliveries } from "./delivery";
import { deduplicationKey, HttpError, instantiate, type MessageSpec, messageJson, newId, readSpec } from "./message";
import { Schedules } from "./schedules";

export interface QStashOptions {
  /** The bearer token the Client must present. */
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  /** Default 0: a free port. The stand-in listens on 127.0.0.1 only. */
  port?: number;
  /** Back-off base: retry n waits base · 2^(n-1). QStash waits minutes; the default, 200 ms, keeps dev runs quick. */
  retryBaseDelayMs?: number;
  log?: Logger;
}

interface Reply {
  status: number;
  json?: unknown;
}

// QStash's deduplication window.
const DEDUPLICATION_WINDOW_MS = 10 * 60_000;

const BatchBody = z.array(
  z.object({
    destination: z.string(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
  }),
);

/**
 * A local QStash: serves the REST paths the unmodified `@upstash/qstash` Client calls (publish,
 * batch, messages, schedules, keys) and delivers messages signed so that its `Receiver` accepts
 * them. State lives in memory. Not emulated: URL groups, queues, flow control, DLQ, logs,
 * `Upstash-Retry-Delay` (retries always use the back-off above).
 */
export async function startQStash(options: QStashOptions): Promise<StandIn> {
  const deliveries = new Deliveries({
    signingKey: options.currentSigningKey,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 200,
    log: options.log ?? silent,
  });
  const schedules = new Schedules((message) => deliveries.enqueue(message));
  const seen = new Map<string, { messageId: string; expiresAt: number }>();

  function publish(spec: MessageSpec, headers: Headers): Reply {
    const key = deduplicationKey(headers, spec);
    const now = Date.now();
    for (const [k, { expiresAt }] of seen) if (expiresAt <= now) seen.delete(k);
    const duplicate = key === undefined ? undefined : seen.get(key);
    if (duplicate) return { status: 202, json: { messageId: duplicate.messageId, url: spec.url, deduplicated: true } };
    const message = instantiate(spec);
    deliveries.enqueue(message);
    if (key !== undefined) seen.set(key, { messageId: message.messageId, expiresAt: now + DEDUPLICATION_WINDOW_MS });
    return { status: 201, json: { messageId: message.messageId, url: spec.url } };
  }

  function route(request: IncomingMessage, body: Buffer): Reply {
    const method = request.method ?? "GET";
    // The publish destination is a whole URL, query included, so it is cut from the raw target.
    const target = request.url ?? "/";
    const url = new URL(target, "http://127.0.0.1");
    const headers = toHeaders(request.rawHeaders);
    const callerIp = request.socket.remoteAddress ?? "127.0.0.1";
    if (headers.get("Authorization") !== `Bearer ${options.token}`) {
      throw new HttpError(401, "invalid or missing bearer token");
    }
    if (method === "POST" && target.startsWith("/v2/publish/")) {
      return publish(readSpec(target.slice("/v2/publish/".length), headers, body, callerIp), headers);
    }
    if (method === "POST" && url.pathname === "/v2/batch") {
      const batch = BatchBody.safeParse(parseJson(body));
      if (!batch.success) throw new HttpError(400, `invalid batch: ${z.prettifyError(batch.error)}`);
      // Every entry is read before any is published, so a bad one rejects the whole batch.
      const entries = batch.data.map((entry) => {
        const entryHeaders = new Headers(entry.headers);
        return { entryHeaders, spec: readSpec(entry.destination, entryHeaders, Buffer.from(entry.body ?? ""), callerIp) };
      });
      return { status: 200, json: entries.map(({ spec, entryHeaders }) => publish(spec, entryHeaders).json) };
    }
    if (method === "POST" && target.startsWith("/v2/schedules/")) {
      const cron = headers.get("Upstash-Cron");
      if (cron === null) throw new HttpError(400, "Upstash-Cron header is required");
      const scheduleId = headers.get("Upstash-Schedule-Id") ?? newId("scd");
      schedules.create(scheduleId, cron, readSpec(target.slice("/v2/schedules/".length), headers, body, callerIp));
      return { status: 200, json: { scheduleId } };
    }
    if (method === "GET" && url.pathname === "/v2/schedules") return { status: 200, json: schedules.list() };
    if (method === "GET" && url.pathname === "/v2/keys") {
      return { status: 200, json: { current: options.currentSigningKey, next: options.nextSigningKey } };
    }
    if (method === "DELETE" && url.pathname === "/v2/messages") {
      return { status: 200, json: { cancelled: cancelMany(url.searchParams) } };
    }
    const [, resource, id, action] = url.pathname.match(/^\/v2\/(messages|schedules)\/([^/]+)(?:\/(pause|resume))?$/) ?? [];
    if (resource === "messages" && id && !action) {
      const message = deliveries.get(id);
      if (!message) throw new HttpError(404, "message not found");
      if (method === "GET") return { status: 200, json: messageJson(message) };
      if (method === "DELETE") return { status: 200, json: { cancelled: Number(deliveries.cancel(id)) } };
    }
    if (resource === "schedules" && id) {
      const schedule = schedules.get(id);
      if (!schedule) throw new HttpError(404, "schedule not found");
      if (method === "GET" && !action) return { status: 200, json: schedule };
      if (method === "DELETE" && !action) {
        schedules.delete(id);
        return { status: 200 };
      }
      if (method === "PATCH" && action) {
        schedules.setPaused(id, action === "pause");
        return { status: 200 };
      }
    }
    throw new HttpError(404, `no route for ${method} ${url.pathname}`);
  }

  /** `client.messages.cancel([...ids])` sends `messageIds`; `cancel({ all: true })` sends no filter. */
  function cancelMany(query: URLSearchParams): number {
    const filters = [...query.keys()].filter((key) => key !== "count" && key !== "cursor" && key !== "messageIds");
    if (filters.length > 0) throw new HttpError(400, `cancel filters are not emulated: ${filters.join(", ")}`);
    const ids = query.has("messageIds") ? query.getAll("messageIds") : deliveries.messageIds();
    return ids.filter((id) => deliveries.cancel(id)).length;
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("error", () => response.destroy());
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        reply(response, route(request, Buffer.concat(chunks)));
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        reply(response, { status, json: { error: error instanceof Error ? error.message : String(error) } });
      }
    });
  });
  const url = await listenOnLoopback(server, options.port);

  return {
    url,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      schedules.close();
      await deliveries.close();
    },
  };
}

function reply(response: ServerResponse, { status, json }: Reply): void {
  if (json === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(json));
}

function toHeaders(rawHeaders: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) headers.append(rawHeaders[i]!, rawHeaders[i + 1]!);
  return headers;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(400, "request body is not JSON");
  }
}
