import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isServiceName, SERVICES } from "../../jobs/collect/contracts";
import { type Logger, listenOnLoopback, type StandIn, silent } from "../stand-in";
import { startOfDay } from "./calendar";
import { createFaultBoard, faultSchema } from "./faults";
import { buildPayload, JourneyBook } from "./payloads";
import { type PopulationRoster, population } from "./population";
import { parseAnalyticsQuery } from "./request";
import { resolveScope } from "./scope";

export interface SimulatorOptions {
  /** 0 (the default) lets the kernel choose. */
  port?: number;
  log?: Logger;
  /** The clock; the simulated term is the 90 days before its current UTC day. */
  now?: () => Date;
  /**
   * People to serve besides the demo roster (the synthetic organisation of a scale run). They
   * stay served for the life of the process; starting another simulator in the same process with
   * the same organisation of another size throws.
   */
  extraRoster?: PopulationRoster;
}

const MAX_BODY_BYTES = 16 * 1024;

/**
 * Starts the nine upstream services on one port: service `X` lives under `${url}/X`, so its
 * endpoint is `GET ${url}/X/api/v1/analytics-data`. `PUT ${url}/__faults/X` makes X fail or slow
 * down, `GET ${url}/__faults` lists the faults and `DELETE ${url}/__faults` clears them.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<StandIn> {
  const log = options.log ?? silent;
  const now = options.now ?? (() => new Date());
  if (options.extraRoster) population.add(options.extraRoster);
  const faults = createFaultBoard();
  /** Cancels of delayed answers still waiting, so `close()` need not wait for them. */
  const waiting = new Set<() => void>();
  /** Answers not yet finished, so `close()` can wait until each has been ended and logged. */
  const unfinished = new Set<ServerResponse>();
  let book: JourneyBook | null = null;

  /** The journeys of the current term: simulated once per UTC day, reused by every request of that day. */
  const journeys = (): JourneyBook => {
    const today = startOfDay(now().getTime());
    if (book?.today !== today) book = new JourneyBook(today);
    return book;
  };

  /** Resolves true after `ms`, or false as soon as the client goes away or the simulator closes. */
  const wait = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      const finish = (elapsed: boolean) => {
        clearTimeout(timer);
        waiting.delete(cancel);
        res.off("close", cancel);
        resolve(elapsed);
      };
      const cancel = () => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      waiting.add(cancel);
      res.once("close", cancel);
    });

  async function analytics(req: IncomingMessage, res: ServerResponse, url: URL, service: (typeof SERVICES)[number]): Promise<void> {
    if (req.method !== "GET") return send(res, 405, { error: "only GET is supported" }, { allow: "GET" });
    const fault = faults.get(service);
    // A hung service: the request stays open until the client gives up or the simulator closes.
    if (fault.mode === "timeout") return;
    if (fault.latencyMs > 0 && !(await wait(fault.latencyMs, res))) return;
    if (fault.mode === "error") return send(res, 503, { error: `${service} is unavailable (simulated fault)` });
    // Real services verify the service token; the simulator only insists that one is sent.
    if (!/^Bearer\s+\S+/i.test(req.headers.authorization ?? "")) {
      return send(res, 401, { error: "a bearer service token is required" }, { "www-authenticate": "Bearer" });
    }
    const current = journeys();
    const parsed = parseAnalyticsQuery(url.searchParams, current.today);
    if (!parsed.ok) return send(res, 400, { error: parsed.error });
    const { scope } = parsed.query;
    const subjects = resolveScope(scope.type, scope.id);
    if (!subjects) return send(res, 404, { error: `no ${scope.type} ${scope.id}` });
    send(res, 200, buildPayload(service, parsed.query, subjects, current));
  }

  async function faultControl(req: IncomingMessage, res: ServerResponse, rest: string[]): Promise<void> {
    if (rest.length === 0) {
      if (req.method === "GET") return send(res, 200, faults.list());
      if (req.method === "DELETE") {
        faults.reset();
        log({ event: "simulator.faults.reset" });
        return send(res, 200, faults.list());
      }
      return send(res, 405, { error: "use GET or DELETE" }, { allow: "GET, DELETE" });
    }
    const service = rest[0]!;
    if (rest.length > 1 || !isServiceName(service)) return send(res, 404, { error: `unknown service ${service}` });
    if (req.method !== "PUT") return send(res, 405, { error: "use PUT" }, { allow: "PUT" });
    const body = await readJson(req);
    const fault = faultSchema.safeParse(body);
    if (!fault.success) {
      return send(res, 400, { error: 'expected {"mode": "ok"|"error"|"timeout", "latencyMs"?: integer ≥ 0}', issues: fault.error.issues });
    }
    faults.set(service, fault.data);
    log({ event: "simulator.fault", service, ...fault.data });
    send(res, 200, { service, ...fault.data });
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    unfinished.add(res);
    res.once("close", () => {
      unfinished.delete(res);
      log({
        event: "simulator.request",
        method: req.method,
        path: url.pathname,
        query: url.search,
        // null: no answer was sent (a held or abandoned request).
        status: res.headersSent ? res.statusCode : null,
        durationMs: Math.round(performance.now() - started),
      });
    });
    const [first, ...rest] = url.pathname.split("/").filter(Boolean);
    const route =
      first === "__faults"
        ? faultControl(req, res, rest)
        : first !== undefined && isServiceName(first) && rest.join("/") === "api/v1/analytics-data"
          ? analytics(req, res, url, first)
          : Promise.resolve(
              send(res, 404, { error: first !== undefined && isServiceName(first) ? "not found" : `unknown service ${first ?? ""}` }),
            );
    route.catch((error: unknown) => {
      log({ event: "simulator.error", path: url.pathname, error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) send(res, 500, { error: "simulator failure" });
      else res.destroy();
    });
  });

  const url = await listenOnLoopback(server, options.port);
  log({ event: "simulator.listening", url, services: SERVICES });

  return {
    url,
    close: async () => {
      for (const cancel of [...waiting]) cancel();
      const ended = [...unfinished].map((res) => new Promise((resolve) => res.once("close", resolve)));
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      // Held and keep-alive connections would keep `close` waiting forever.
      server.closeAllConnections();
      await Promise.all([closed, ...ended]);
      log({ event: "simulator.closed", url });
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** The request body as JSON; undefined when it is not JSON or is larger than a fault setting can be. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}
