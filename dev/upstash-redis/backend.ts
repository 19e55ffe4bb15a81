import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { Redis } from "ioredis";
import { freePort } from "../ports";
import type { Logger } from "../stand-in";
import { openEmbedded } from "./embedded";

export type RedisBackendKind = "external" | "redis-server" | "embedded";

/** A RESP reply: strings (bytes from a real server), integers, nil, arrays, and errors nested in arrays. */
export type Reply = Buffer | string | number | null | Error | Reply[];

/** How one command of a batch ended, in the shape the REST API answers with. */
export type Outcome = { result: Reply } | { error: string };

/** The Redis behind the REST endpoint. Failed commands reject with the Redis error message. */
export interface RedisBackend {
  kind: RedisBackendKind;
  command(command: string[]): Promise<Reply>;
  /** In order, but other requests' commands may run in between. */
  pipeline(commands: string[][]): Promise<Outcome[]>;
  /** Atomically (MULTI/EXEC); rejects with EXECABORT when a command cannot even be queued. */
  transaction(commands: string[][]): Promise<Outcome[]>;
  close(): Promise<void>;
}

export interface BackendOptions {
  kind: "auto" | RedisBackendKind;
  redisUrl?: string;
  log: Logger;
}

/** True when a `redis-server` binary can be started from the PATH. */
export function redisServerOnPath(): boolean {
  return spawnSync("redis-server", ["--version"]).status === 0;
}

/** Opens the requested backend; "auto" prefers `redisUrl`, then a spawned `redis-server`, then embedded. */
export async function openBackend(options: BackendOptions): Promise<RedisBackend> {
  const { redisUrl, log } = options;
  const kind = options.kind !== "auto" ? options.kind : redisUrl ? "external" : redisServerOnPath() ? "redis-server" : "embedded";
  switch (kind) {
    case "external":
      if (!redisUrl) throw new Error('The "external" backend needs a redisUrl');
      return connect("external", redisUrl, log);
    case "redis-server":
      return spawnRedisServer(log);
    case "embedded":
      return openEmbedded();
  }
}

async function connect(kind: RedisBackendKind, url: string, log: Logger): Promise<RedisBackend> {
  // One retry per command: when Redis goes away, requests fail fast instead of queueing for minutes.
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", (error: Error) => log({ event: "upstash-redis.backend-error", message: error.message }));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  // Upper-case names keep ioredis from reshaping replies (it turns a lower-case "hgetall" into an object),
  // and callBuffer keeps bulk strings as raw bytes, so they can be base64-encoded faithfully.
  const queue = (batch: ReturnType<Redis["pipeline"]>, commands: string[][]) => {
    for (const [name = "", ...args] of commands) batch.callBuffer(name.toUpperCase(), ...args);
    return batch.exec();
  };
  const outcomes = (results: [Error | null, unknown][] | null): Outcome[] =>
    (results ?? []).map(([error, result]) => (error ? { error: error.message } : { result: result as Reply }));
  return {
    kind,
    command: ([name = "", ...args]) => client.callBuffer(name.toUpperCase(), ...args) as Promise<Reply>,
    pipeline: async (commands) => outcomes(await queue(client.pipeline(), commands)),
    transaction: async (commands) => outcomes(await queue(client.multi(), commands)),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** Starts a throwaway redis-server (nothing persisted, loopback only) and connects to it. */
async function spawnRedisServer(log: Logger): Promise<RedisBackend> {
  const { child, port } = await startRedisServer(log);
  try {
    const backend = await connect("redis-server", `redis://127.0.0.1:${port}`, log);
    return {
      ...backend,
      close: async () => {
        await backend.close();
        await stop(child);
      },
    };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

async function startRedisServer(log: Logger): Promise<{ child: ChildProcess; port: number }> {
  // The free port may be taken again before redis-server binds it; another port usually works.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    const child = spawn(...withParentDeathSignal(["redis-server", ...args]), { stdio: ["ignore", "pipe", "pipe"] });
    // A stand-in that is never closed must not leave a redis-server behind.
    const killOnExit = () => child.kill();
    process.once("exit", killOnExit);
    child.once("exit", () => process.off("exit", killOnExit));
    try {
      await ready(child, log);
      log({ event: "upstash-redis.redis-server-started", port, pid: child.pid });
      return { child, port };
    } catch (error) {
      await stop(child);
      if (attempt === 3) throw error;
    }
  }
}

const hasSetpriv = spawnSync("setpriv", ["--version"]).status === 0;

/**
 * Wraps a command so the kernel sends it SIGTERM when this process dies, even by SIGKILL (when
 * no exit handler runs): a crashed dev stack then leaves no redis-server behind. Without util-linux's
 * setpriv the command runs as is, and the exit handler is the only cleanup.
 */
function withParentDeathSignal(command: string[]): [string, string[]] {
  const [file, ...args] = hasSetpriv ? ["setpriv", "--pdeathsig", "TERM", "--", ...command] : command;
  return [file!, args];
}

/** Resolves once redis-server accepts connections; rejects with its last output if it exits first. */
function ready(child: ChildProcess, log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastLine = "";
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        lastLine = line;
        log({ event: "upstash-redis.redis-server", pid: child.pid, line });
        if (line.includes("Ready to accept connections")) resolve();
      }
    };
    child.stdout?.on("data", onLine);
    child.stderr?.on("data", onLine);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`redis-server exited (code ${code}): ${lastLine}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const running = child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  if (!running) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}
