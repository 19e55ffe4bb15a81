import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { renderDevVars } from "./dev-vars";
import { startStack } from "./stack";

/**
 * `npm run dev`: the local stand-ins, a migrated and seeded database, `.dev.vars`, and the Worker
 * under `wrangler dev` on 127.0.0.1:$PORT (8787). Ctrl-C stops everything this started.
 */
const port = Number(process.env.PORT ?? 8787);
const say = (message: string) => console.log(`[dev] ${message}`);
const verbose = process.env.DEV_LOG === "1";

const started = Date.now();
const stack = await startStack({
  databaseUrl: process.env.DATABASE_URL,
  redisUrl: process.env.REDIS_URL,
  dataDir: ".data/postgres",
  persistent: true,
  log: verbose ? (entry) => console.log(JSON.stringify(entry)) : undefined,
});
writeFileSync(".dev.vars", renderDevVars(stack.vars), { mode: 0o600 });
say(`postgres   ${stack.postgres.embedded ? "embedded" : "external"} ${stack.vars.DIRECT_DATABASE_URL}`);
say(`neon http  ${stack.vars.NEON_FETCH_ENDPOINT}`);
say(`redis rest ${stack.vars.UPSTASH_REDIS_REST_URL} (backend: ${stack.redis.backend})`);
say(`qstash     ${stack.vars.QSTASH_URL}`);
say(`simulator  ${stack.vars.SIMULATOR_URL}`);
say(`stack ready in ${Date.now() - started} ms; starting the Worker on http://127.0.0.1:${port}`);

const wrangler = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false"], {
  stdio: "inherit",
});

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say("stopping");
    if (wrangler.exitCode === null) {
      wrangler.kill("SIGTERM");
      await new Promise((resolve) => wrangler.once("exit", resolve));
    }
    await stack.stop();
  }
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
wrangler.on("exit", (code) => void shutdown(code ?? 1));
