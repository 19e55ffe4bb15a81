import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { z } from "zod";
import { type Logger, listenOnLoopback, type StandIn, silent } from "../stand-in";
import type { RetryBackoff } from "./backoff";
import { Deliveries } from "./delivery";
import { deduplicationKey, HttpError, instantiate, type MessageSpec, messageJson, newId, readSpec } from "./message";
import { Schedules } from "./schedules";
import { Statistics } from "./stats";

/**
 * QStash's largest message body: 1 MB on the Free plan (10 MB on pay-as-you-go, 50 MB on the fixed
 * plans, per https://upstash.com/pricing/qstash); the strictest, read as 10^6 bytes, so that what
 * passes here passes on any plan.
 */
export const QSTASH_MAX_MESSAGE_BYTES = 1_000_000;

export interface QStashOptions {
  /** The bearer token the Client must present. */
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  /** Default 0: a free port. The stand-in listens on 127.0.0.1 only. */
  port?: number;
  /**
   * "quick" (default): retry n waits `retryBaseDelayMs` · 2^(n-1), so dev runs stay quick;
   * "qstash": QStash's own back-off, e^(2.5·n) s capped at a day (12 s, 2 min 28 s, 30 min 8 s…). See backoff.ts.
   */
  retryBackoff?: "quick" | "qstash";
  /** The quick back-off's base; default 200 ms. */
  retryBaseDelayMs?: number;
  /** Refuse a message body over this many bytes (HTTP 413); default QSTASH_MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
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
 * them. State lives in memory. Emulated as QStash does it: retries with back-off, callbacks,
 * deduplication, cron schedules, flow control by key (parallelism, rate and period, see
 * flow-control.ts), and the message size limit. Not emulated: URL groups, queues, the flow
 * control API (pause, pin…), DLQ, logs, `Upstash-Retry-Delay` (retries always use the back-off
 * chosen above), plan quotas (messages per day, max retries, max delay).
 * Local only: `GET /__stats` reports what the deliveries needed (see stats.ts), `DELETE /__stats`
 * starts counting afresh.
 */
export async function startQStash(options: QStashOptions): Promise<StandIn> {
  const stats = new Statistics();
  const backoff: RetryBackoff =
    options.retryBackoff === "qstash" ? { kind: "qstash" } : { kind: "quick", baseMs: options.retryBaseDelayMs ?? 200 };
  const maxMessageBytes = options.maxMessageBytes ?? QSTASH_MAX_MESSAGE_BYTES;
  const deliveries = new Deliveries({ signingKey: options.currentSigningKey, backoff, stats, log: options.log ?? silent });
  const schedules = new Schedules((message) => deliveries.enqueue(message));
  const seen = new Map<string, { messageId: string; expiresAt: number }>();

  function publish(spec: MessageSpec, headers: Headers): Reply {
    const key = deduplicationKey(headers, spec);
    const now = Date.now();
    for (const [k, { expiresAt }] of seen) if (expiresAt <= now) seen.delete(k);
    const duplicate = key === undefined ? undefined : seen.get(key);
    if (duplicate) return { status: 202, json: { messageId: duplicate.messageId, url: spec.url, deduplicated: true } };
    stats.published(1);
    const message = instantiate(spec);
    deliveries.enqueue(message);
    if (key !== undefined) seen.set(key, { messageId: message.messageId, expiresAt: now + DEDUPLICATION_WINDOW_MS });
    return { status: 201, json: { messageId: message.messageId, url: spec.url } };
  }

  /**
   * QStash's documentation gives the limit but not the answer to a message over it; the stand-in
   * answers 413 with QStash's `{ "error": … }` shape, naming the limit.
   */
  function checkSize(body: Buffer): Buffer {
    if (body.length > maxMessageBytes) {
      throw new HttpError(413, `message body is ${body.length} bytes, over QStash's max message size of ${maxMessageBytes} bytes`);
    }
    return body;
  }

  function route(request: IncomingMessage, body: Buffer): Reply {
    const method = request.method ?? "GET";
    // The publish destination is a whole URL, query included, so it is cut from the raw target.
    const target = request.url ?? "/";
    const url = new URL(target, "http://127.0.0.1");
    if (url.pathname === "/__stats" && (method === "GET" || method === "DELETE")) {
      if (method === "DELETE") stats.reset();
      return { status: 200, json: stats.read() };
    }
    const headers = toHeaders(request.rawHeaders);
    const callerIp = request.socket.remoteAddress ?? "127.0.0.1";
    if (headers.get("Authorization") !== `Bearer ${options.token}`) {
      throw new HttpError(401, "invalid or missing bearer token");
    }
    if (method === "POST" && target.startsWith("/v2/publish/")) {
      stats.request("publish");
      return publish(readSpec(target.slice("/v2/publish/".length), headers, checkSize(body), callerIp), headers);
    }
    if (method === "POST" && url.pathname === "/v2/batch") {
      const batch = BatchBody.safeParse(parseJson(body));
      if (!batch.success) throw new HttpError(400, `invalid batch: ${z.prettifyError(batch.error)}`);
      stats.request("batch");
      // Every entry is read before any is published, so a bad one (an oversized body too) rejects
      // the whole batch. Each entry carries its own headers, flow control included.
      const entries = batch.data.map((entry) => {
        const entryHeaders = new Headers(entry.headers);
        return { entryHeaders, spec: readSpec(entry.destination, entryHeaders, checkSize(Buffer.from(entry.body ?? "")), callerIp) };
      });
      return { status: 200, json: entries.map(({ spec, entryHeaders }) => publish(spec, entryHeaders).json) };
    }
    if (method === "POST" && target.startsWith("/v2/schedules/")) {
      const cron = headers.get("Upstash-Cron");
      if (cron === null) throw new HttpError(400, "Upstash-Cron header is required");
      const scheduleId = headers.get("Upstash-Schedule-Id") ?? newId("scd");
      schedules.create(scheduleId, cron, readSpec(target.slice("/v2/schedules/".length), headers, checkSize(body), callerIp));
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
