import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { envSchema } from "../core/env";
import { computeDemoAnalytics, nightlyRunFromPostgres } from "./demo-analytics";
import { renderDevVars } from "./dev-vars";
import { reapRecordedGroup, recordGroup, stopGroup } from "./process-group";
import { type Stack, startStack } from "./stack";

/**
 * `npm run dev`: the local stand-ins, a migrated and seeded database, `.dev.vars`, the Worker
 * under `wrangler dev` on 127.0.0.1:$PORT (8787), and the demo's analytics computed once by a
 * nightly run (skipped with DEMO_ANALYTICS=0). Ctrl-C stops everything this started.
 */
const port = Number(process.env.PORT ?? 8787);
const say = (message: string) => console.log(`[dev] ${message}`);
const verbose = process.env.DEV_LOG === "1";
const WORKER_GROUP_FILE = ".data/dev-worker.pgid";

let stack: Stack | undefined;
let wrangler: ChildProcess | undefined;
let stopping: Promise<never> | undefined;
const demoAnalytics = new AbortController();

/** Stops everything once, however many signals, errors and exit events ask for it. */
function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    say("stopping");
    demoAnalytics.abort();
    if (wrangler?.pid) await stopGroup(wrangler.pid);
    rmSync(WORKER_GROUP_FILE, { force: true });
    await stack?.stop();
    process.exit(code);
  })();
  return stopping;
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
process.on("uncaughtException", (error) => {
  console.error(error);
  void shutdown(1);
});

const started = Date.now();
mkdirSync(".data", { recursive: true });
if (await reapRecordedGroup(WORKER_GROUP_FILE, "wrangler")) say("stopped the Worker a crashed run left behind");

stack = await startStack({
  workerUrl: `http://127.0.0.1:${port}`,
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  dataDir: ".data/postgres",
  persistent: true,
  signingKeysFile: ".data/jwt-signing-keys.json",
  log: verbose ? (entry) => console.log(JSON.stringify(entry)) : undefined,
});

// Worker settings given to `npm run dev` (RATE_LIMIT_*, CORS_ORIGINS, …) reach the Worker; the
// stack's own connection variables always win, since they point at what was just started.
const forwarded = Object.fromEntries(
  Object.keys(envSchema.shape).flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
);
writeFileSync(".dev.vars", renderDevVars({ ...forwarded, ...stack.vars }), { mode: 0o600 });
if (Object.keys(forwarded).length > 0) say(`passing to the Worker: ${Object.keys(forwarded).join(", ")}`);
say(`postgres   ${stack.postgres.embedded ? "embedded" : "external"} ${stack.vars.DIRECT_DATABASE_URL}`);
say(`neon http  ${stack.vars.NEON_FETCH_ENDPOINT}`);
say(`redis rest ${stack.vars.UPSTASH_REDIS_REST_URL} (backend: ${stack.redis.backend})`);
say(`qstash     ${stack.vars.QSTASH_URL}`);
say(`simulator  ${stack.vars.SIMULATOR_URL}`);
say(`stack ready in ${Date.now() - started} ms; starting the Worker on http://127.0.0.1:${port}`);

// Its own process group, so the whole wrangler/workerd tree can be stopped as one, now or
// (through the recorded group id) by the next start if this process crashes.
wrangler = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false"], {
  stdio: "inherit",
  detached: true,
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
recordGroup(WORKER_GROUP_FILE, wrangler.pid!);
wrangler.on("exit", (code) => void shutdown(code ?? 1));

// The demo's analytics, computed once so that no demo user starts with "pending".
if (process.env.DEMO_ANALYTICS === "0") {
  say("demo analytics not computed at start (DEMO_ANALYTICS=0); see the README to run the nightly job by hand");
} else {
  const nightly = nightlyRunFromPostgres(stack.vars.DIRECT_DATABASE_URL);
  void computeDemoAnalytics({
    workerUrl: stack.vars.JOBS_BASE_URL,
    nightlyRun: nightly.lookup,
    say,
    signal: demoAnalytics.signal,
    startedAt: started,
  }).finally(nightly.close);
}
