import pg from "pg";
import { signDelivery } from "../dev/qstash/signing";
import type { TestApi } from "./harness";
import { readJson } from "./worker";

/** Polls `check` every 100 ms until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until a run has finished (completed or failed) and returns its view. */
export async function finishedRun(api: TestApi, token: string, runId: string, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const run = await readJson(
        await api.worker.fetch(`/api/v1/analytics/runs/${runId}`, { headers: { Authorization: `Bearer ${token}` } }),
      );
      return run.status === "completed" || run.status === "failed" ? run : undefined;
    },
    timeoutMs,
    `run ${runId} to finish`,
  );
}

/** Sends a job request exactly as QStash does (signed with the current key), bypassing the queue. */
export async function deliverJob(
  api: TestApi,
  step: string,
  body: unknown,
  signingKey = api.stack.vars.QSTASH_CURRENT_SIGNING_KEY,
): Promise<Response> {
  const url = `${api.stack.vars.JOBS_BASE_URL}/jobs/${step}`;
  const raw = JSON.stringify(body);
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "Upstash-Signature": await signDelivery(signingKey, url, new TextEncoder().encode(raw)),
    },
    body: raw,
  });
}

/** A direct database connection for assertions about rows. */
export async function database(api: TestApi) {
  const client = new pg.Client(api.stack.vars.DIRECT_DATABASE_URL);
  await client.connect();
  return {
    client,
    count: async (table: string, where = "true", params: unknown[] = []) =>
      Number((await client.query(`select count(*)::int as n from ${table} where ${where}`, params)).rows[0].n),
  };
}

/** Sets a simulated upstream fault, or clears them all. */
export async function fault(api: TestApi, service: string | null, mode: "ok" | "error" | "timeout" = "error") {
  const url = service ? `${api.stack.vars.SIMULATOR_URL}/__faults/${service}` : `${api.stack.vars.SIMULATOR_URL}/__faults`;
  await fetch(url, {
    method: service ? "PUT" : "DELETE",
    headers: { "Content-Type": "application/json" },
    body: service ? JSON.stringify({ mode }) : undefined,
  });
}

/**
 * Starts the nightly run through the scheduled route (as the cron trigger does) and waits until
 * it has finished; returns its final row.
 */
export async function runNightly(api: TestApi, db: { client: pg.Client }, timeoutMs = 120_000) {
  const response = await api.worker.fetch("/__scheduled?cron=0+2+*+*+*");
  if (response.status !== 200) throw new Error(`the scheduled route answered ${response.status}`);
  return eventually(
    async () => {
      const row = (await db.client.query("select id, status, error from pipeline_runs where scope = 'nightly'")).rows[0];
      return row && row.status !== "queued" && row.status !== "running" ? row : undefined;
    },
    timeoutMs,
    "the nightly run",
  );
}
