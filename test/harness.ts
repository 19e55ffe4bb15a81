import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDashboard } from "../dashboard/build";
import { freePort } from "../dev/ports";
import { type Stack, type StackOptions, startStack } from "../dev/stack";
import { type RunningWorker, startWorker } from "./worker";

export interface TestApi {
  stack: Stack;
  worker: RunningWorker;
  stop(): Promise<void>;
}

let dashboardBuilt: Promise<void> | undefined;

/**
 * The circuit breaker keeps its failure counts in the file's one Redis, so without this one test's
 * upstream failures (a fault it sets, or timeouts on a busy machine) would open circuits for the
 * tests after it, for a minute, and their runs would fail or miss sources: the order would matter.
 * A file that tests the breaker itself sets CIRCUIT_FAILURE_THRESHOLD back.
 */
const CIRCUITS_THAT_STAY_CLOSED = { CIRCUIT_FAILURE_THRESHOLD: "100" };

/**
 * The whole system for one test file: the local stack on a throw-away embedded Postgres, and the
 * Worker in workerd pointed at it. Each file gets its own, so files never share state.
 */
export async function startTestApi(
  vars: Record<string, string> = {},
  stackOptions: Pick<
    StackOptions,
    "qstashRetryBaseDelayMs" | "qstashRetryBackoff" | "neonMaxRequestBytes" | "neonMaxResponseBytes" | "redisUndeclaredKeys" | "log"
  > = {},
): Promise<TestApi> {
  // The dashboard's bundle (public/dashboard/app.js, not committed), once per test process.
  await (dashboardBuilt ??= buildDashboard());
  const dataDir = mkdtempSync(join(tmpdir(), "analytics-api-"));
  // The port is chosen first: the stack must know where QStash is to deliver job steps.
  const port = await freePort();
  const stack = await startStack({ dataDir, persistent: false, workerUrl: `http://127.0.0.1:${port}`, ...stackOptions });
  try {
    const worker = await startWorker({ ...stack.vars, ENVIRONMENT: "test", ...CIRCUITS_THAT_STAY_CLOSED, ...vars }, port);
    return {
      stack,
      worker,
      stop: async () => {
        await worker.stop();
        await stack.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
