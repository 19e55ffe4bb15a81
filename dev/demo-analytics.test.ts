import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../db/migrate";
import { cronJob } from "../functions/cron";
import { startTestPostgres } from "../test/postgres";
import { computeDemoAnalytics, NIGHTLY_CRON, type NightlyRun, nightlyRunFromPostgres, scheduledUrl } from "./demo-analytics";
import type { PostgresHandle } from "./postgres";

/** A stand-in for the Worker: readiness after `unreadyFor` probes, and the cron route. */
async function fakeWorker(options: { unreadyFor?: number; ready?: { status: number; body: unknown }; scheduledStatus?: number } = {}) {
  const seen = { readyProbes: 0, triggers: [] as string[] };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url!, "http://worker");
    if (url.pathname === "/api/v1/health/ready") {
      seen.readyProbes += 1;
      const { status, body } =
        seen.readyProbes > (options.unreadyFor ?? 0)
          ? (options.ready ?? { status: 200, body: { status: "ready" } })
          : { status: 503, body: { type: "/problems/unavailable" } };
      response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    } else if (url.pathname === "/cdn-cgi/handler/scheduled") {
      seen.triggers.push(request.url!);
      response.writeHead(options.scheduledStatus ?? 200).end("ok");
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A nightly-run lookup that answers each poll with the next of `states` (the last one from then on). */
function runStates(...states: (NightlyRun | undefined)[]) {
  const calls: Date[] = [];
  return {
    calls,
    lookup: async (since: Date) => {
      calls.push(since);
      return states[Math.min(calls.length - 1, states.length - 1)];
    },
  };
}

const run = (status: NightlyRun["status"], finishedAt: Date | null = null, error: string | null = null): NightlyRun => ({
  status,
  error,
  finishedAt,
});

describe("the nightly cron route", () => {
  it("is miniflare's scheduled-handler route with the nightly cron, encoded as in the README", () => {
    expect(scheduledUrl("http://127.0.0.1:8787")).toBe("http://127.0.0.1:8787/cdn-cgi/handler/scheduled?cron=0+2+*+*+*");
  });

  it("names a cron the Worker has a job for and wrangler.toml triggers", () => {
    expect(cronJob(NIGHTLY_CRON)).toBeTypeOf("function");
    expect(readFileSync("wrangler.toml", "utf8")).toContain(`"${NIGHTLY_CRON}"`);
  });
});

describe("computeDemoAnalytics", () => {
  it("waits for the Worker, triggers the nightly run once, and tells when it has finished", async () => {
    const worker = await fakeWorker({ unreadyFor: 2 });
    const states = runStates(undefined, run("queued"), run("running"), run("completed", new Date(Date.now() + 60_000)));
    const said: string[] = [];
    const result = await computeDemoAnalytics({ workerUrl: worker.url, nightlyRun: states.lookup, say: (m) => said.push(m), pollMs: 5 });

    expect(result).toMatchObject({ outcome: "ready", earlier: false });
    expect(worker.seen.readyProbes).toBe(3);
    expect(worker.seen.triggers).toEqual(["/cdn-cgi/handler/scheduled?cron=0+2+*+*+*"]);
    expect(states.calls).toHaveLength(4);
    // It looks for the run of the current UTC day.
    expect(states.calls[0]!.toISOString()).toBe(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(/^computing the demo analytics: nightly run started/);
    expect(said[1]).toMatch(/^demo analytics ready in \d+ s \(\d+ s after the start\): every demo user sees real figures$/);
  });

  it("says so when today's nightly run had already finished (a restart on a kept database)", async () => {
    const worker = await fakeWorker();
    const finishedAt = new Date(Date.now() - 3_600_000);
    const said: string[] = [];
    const result = await computeDemoAnalytics({
      workerUrl: worker.url,
      nightlyRun: runStates(run("completed", finishedAt)).lookup,
      say: (m) => said.push(m),
      pollMs: 5,
    });
    expect(result).toMatchObject({ outcome: "ready", earlier: true });
    expect(said).toHaveLength(1);
    expect(said[0]).toBe(`demo analytics ready: today's nightly run had already finished at ${finishedAt.toISOString()}`);
  });

  it("reports a failed run with its error", async () => {
    const worker = await fakeWorker();
    const said: string[] = [];
    const result = await computeDemoAnalytics({
      workerUrl: worker.url,
      nightlyRun: runStates(run("running"), run("failed", new Date(), "plan: no organisations")).lookup,
      say: (m) => said.push(m),
      pollMs: 5,
    });
    expect(result).toMatchObject({ outcome: "failed", error: "plan: no organisations" });
    expect(said.at(-1)).toContain("the nightly run failed (plan: no organisations)");
  });

  it("stops waiting after the run timeout, naming whether the run started at all", async () => {
    const worker = await fakeWorker();
    const said: string[] = [];
    const running = await computeDemoAnalytics({
      workerUrl: worker.url,
      nightlyRun: runStates(run("running")).lookup,
      say: (m) => said.push(m),
      pollMs: 5,
      runTimeoutMs: 50,
    });
    expect(running.outcome).toBe("still running");
    expect(said.at(-1)).toMatch(/still running after \d+ s/);
    const absent = await computeDemoAnalytics({
      workerUrl: worker.url,
      nightlyRun: runStates(undefined).lookup,
      say: (m) => said.push(m),
      pollMs: 5,
      runTimeoutMs: 50,
    });
    expect(absent.outcome).toBe("still running");
    expect(said.at(-1)).toMatch(/no nightly run appeared/);
  });

  it("triggers nothing on a misconfigured Worker, and says why", async () => {
    const worker = await fakeWorker({
      ready: { status: 503, body: { type: "/problems/misconfigured", detail: "Invalid configuration: RATE_LIMIT_WINDOW: bad." } },
    });
    const said: string[] = [];
    const states = runStates(undefined);
    const result = await computeDemoAnalytics({ workerUrl: worker.url, nightlyRun: states.lookup, say: (m) => said.push(m), pollMs: 5 });
    expect(result.outcome).toBe("not started");
    expect(worker.seen.triggers).toEqual([]);
    expect(states.calls).toEqual([]);
    expect(said).toEqual(["demo analytics not computed: Invalid configuration: RATE_LIMIT_WINDOW: bad."]);
  });

  it("says so when the cron route refuses, or the Worker never answers", async () => {
    const refusing = await fakeWorker({ scheduledStatus: 404 });
    const said: string[] = [];
    const refused = await computeDemoAnalytics({
      workerUrl: refusing.url,
      nightlyRun: runStates(undefined).lookup,
      say: (m) => said.push(m),
      pollMs: 5,
    });
    expect(refused.outcome).toBe("not started");
    expect(said.at(-1)).toContain("answered 404");

    const silent = await computeDemoAnalytics({
      workerUrl: "http://127.0.0.1:9", // discard: nothing listens
      nightlyRun: runStates(undefined).lookup,
      say: (m) => said.push(m),
      pollMs: 5,
      workerTimeoutMs: 50,
    });
    expect(silent.outcome).toBe("worker unreachable");
    expect(said.at(-1)).toMatch(/the Worker did not answer within \d+ s/);
  });

  it("stops quietly when dev shuts down", async () => {
    const worker = await fakeWorker();
    const stop = new AbortController();
    const said: string[] = [];
    const pending = computeDemoAnalytics({
      workerUrl: worker.url,
      nightlyRun: runStates(run("running")).lookup,
      say: (m) => said.push(m),
      pollMs: 5,
      signal: stop.signal,
    });
    setTimeout(() => stop.abort(), 50);
    expect((await pending).outcome).toBe("stopped");
    expect(said).toHaveLength(1);
  });
});

describe("nightlyRunFromPostgres", () => {
  let postgres: PostgresHandle;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    await applyMigrations(postgres.url);
  });

  afterAll(async () => {
    await postgres?.stop();
  });

  it("finds the latest nightly run created since the given time, nothing else", async () => {
    const nightly = nightlyRunFromPostgres(postgres.url);
    const client = new pg.Client(postgres.url);
    await client.connect();
    try {
      const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
      expect(await nightly.lookup(today)).toBeUndefined();
      await client.query(
        `insert into pipeline_runs (scope, status, finished_at, created_at) values ('nightly', 'completed', now() - interval '1 day', now() - interval '2 days')`,
      );
      expect(await nightly.lookup(today)).toBeUndefined();
      await client.query(`insert into pipeline_runs (scope, status, created_at) values ('nightly', 'running', $1)`, [today]);
      expect(await nightly.lookup(today)).toEqual({ status: "running", error: null, finishedAt: null });
      await client.query(`update pipeline_runs set status = 'failed', error = 'boom', finished_at = now() where created_at = $1`, [today]);
      expect(await nightly.lookup(today)).toMatchObject({ status: "failed", error: "boom", finishedAt: expect.any(Date) });
    } finally {
      await client.end();
      await nightly.close();
    }
  });
});
