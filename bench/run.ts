import { writeFileSync } from "node:fs";
import autocannon from "autocannon";
import { startTestApi } from "../test/harness";
import { finishedRun } from "../test/pipeline";
import { bearer, claimsFor, signWithWorkerKey } from "../test/tokens";

/**
 * `npm run bench`: the local stack and the Worker in workerd, driven by autocannon at several
 * concurrencies. Prints a table and writes bench/results.json. The rate limits are raised through
 * their configuration so the limiter runs on every request but never refuses one.
 */
const CONNECTIONS = [1, 8, 32];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LIMIT = "1000000";
/** The calm phase: a fixed rate well below what the machine serves, so that nothing queues. */
const CALM_RATE = 50;
const CALM_SECONDS = Number(process.env.BENCH_CALM_SECONDS ?? 5);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};

/**
 * Sends `total` requests, `concurrency` at a time, and reads each response's Server-Timing: the
 * time inside the Worker per stage, beside the latency the client saw. The difference is time
 * spent outside the Worker's code (queueing in the runtime, the local proxy, the machine).
 */
async function whereTheTimeGoes(url: string, headers: Record<string, string>, concurrency: number, total: number) {
  const samples: Record<string, number[]> = { "client-observed": [] };
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        sent += 1;
        const started = performance.now();
        const response = await fetch(url, { headers });
        await response.arrayBuffer();
        samples["client-observed"]!.push(performance.now() - started);
        for (const entry of (response.headers.get("server-timing") ?? "").split(",")) {
          const [name, ...params] = entry.trim().split(";");
          const duration = params.find((param) => param.startsWith("dur="));
          if (name && duration) (samples[`worker: ${name}`] ??= []).push(Number(duration.slice(4)));
        }
      }
    }),
  );
  return Object.fromEntries(
    Object.entries(samples).map(([metric, values]) => [metric, { p50: percentile(values, 50), p99: percentile(values, 99) }]),
  );
}

/** Server-Timing's metrics of one response (`name;dur=…` entries), in ms. */
function serverTiming(header: string | undefined): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const entry of (header ?? "").split(",")) {
    const [name, ...params] = entry.trim().split(";");
    const duration = params.find((param) => param.startsWith("dur="));
    if (name && duration) metrics[name] = Number(duration.slice(4));
  }
  return metrics;
}

/**
 * The Worker's own time per request at a calm CALM_RATE requests/s for CALM_SECONDS (autocannon's
 * `overallRate`): Server-Timing `total` (and its parts) of every response, as p50/p99, beside the
 * latency the client saw. Under saturation those figures mostly measure queueing; at this rate they
 * measure the work itself, here the Redis round trips of a cached read.
 */
async function calmPhase(url: string, headers: Record<string, string>) {
  const samples: Record<string, number[]> = {};
  const result = await autocannon({
    url,
    connections: 4,
    overallRate: CALM_RATE,
    duration: CALM_SECONDS,
    headers,
    requests: [
      {
        method: "GET",
        headers,
        onResponse: (_status, _body, _context, responseHeaders) => {
          const header = Object.entries(responseHeaders ?? {}).find(([name]) => name.toLowerCase() === "server-timing")?.[1];
          for (const [metric, duration] of Object.entries(serverTiming(Array.isArray(header) ? header.join(",") : header)))
            (samples[metric] ??= []).push(duration);
        },
      },
    ],
  });
  const stats = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
    clientMs: { p50: result.latency.p50, p99: result.latency.p99 },
    workerMs: Object.fromEntries(Object.entries(samples).map(([metric, values]) => [metric, stats(values)])),
  };
}

const api = await startTestApi({
  RATE_LIMIT_LEARNER: LIMIT,
  RATE_LIMIT_TRAINER: LIMIT,
  RATE_LIMIT_ORG_ADMIN: LIMIT,
  RATE_LIMIT_ANONYMOUS: LIMIT,
  LOGIN_FAILURE_LIMIT_PAIR: LIMIT,
  LOGIN_FAILURE_LIMIT_ADDRESS: LIMIT,
  REFRESH_DEBOUNCE_SECONDS: "0",
  PIPELINE_BATCH_SIZE: "50",
});

try {
  const learner = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, {
    ...claimsFor("learner@acme.test"),
    exp: Math.floor(Date.now() / 1000) + 900,
  });
  const admin = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, {
    ...claimsFor("admin@acme.test"),
    exp: Math.floor(Date.now() / 1000) + 900,
  });
  for (const token of [learner, admin]) {
    const { runId } = (await (await api.worker.fetch("/api/v1/analytics/refresh", { method: "POST", headers: bearer(token) })).json()) as {
      runId: string;
    };
    await finishedRun(api, token, runId, 120_000);
  }

  const scenarios: { name: string; path: string; init?: Partial<autocannon.Options> }[] = [
    { name: "floor: GET /health/live", path: "/api/v1/health/live" },
    { name: "learner, cached (HIT)", path: "/api/v1/analytics/learner", init: { headers: bearer(learner) } },
    { name: "learner, cache miss (refreshCache)", path: "/api/v1/analytics/learner?refreshCache=true", init: { headers: bearer(learner) } },
    { name: "organization, cached (HIT)", path: "/api/v1/analytics/organization", init: { headers: bearer(admin) } },
    {
      name: "login (PBKDF2 100k)",
      path: "/api/v1/auth/login",
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "learner@acme.test", password: "demo-password" }),
      },
    },
  ];
  for (const scenario of scenarios.slice(1, 4))
    await api.worker.fetch(scenario.path, { headers: scenario.init?.headers as Record<string, string> });

  const results: {
    scenario: string;
    connections: number;
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    errors: number;
    non2xx: number;
    ratioToFloor: number;
  }[] = [];
  for (const connections of CONNECTIONS) {
    let floor = 0;
    for (const scenario of scenarios) {
      const result = await autocannon({ url: `${api.worker.url}${scenario.path}`, connections, duration: SECONDS, ...scenario.init });
      const requestsPerSecond = Math.round(result.requests.average);
      if (!floor) floor = requestsPerSecond;
      results.push({
        scenario: scenario.name,
        connections,
        requestsPerSecond,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        ratioToFloor: Math.round((requestsPerSecond / floor) * 100) / 100,
      });
    }
  }

  const header = `${"scenario".padEnd(38)} ${"conns".padStart(5)} ${"req/s".padStart(7)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"× floor".padStart(8)} ${"non-2xx".padStart(8)}`;
  console.log(`\n${header}\n${"-".repeat(header.length)}`);
  for (const r of results) {
    console.log(
      `${r.scenario.padEnd(38)} ${String(r.connections).padStart(5)} ${String(r.requestsPerSecond).padStart(7)} ${String(r.p50Ms).padStart(7)} ${String(r.p99Ms).padStart(7)} ${r.ratioToFloor.toFixed(2).padStart(8)} ${String(r.non2xx + r.errors).padStart(8)}`,
    );
  }
  const cached32 = results.find((r) => r.scenario.startsWith("learner, cached") && r.connections === 32)!;
  console.log(
    `\ntargets at 32 connections: cached p99 ${cached32.p99Ms} ms (≤ 25: ${cached32.p99Ms <= 25 ? "met" : "NOT met"}), cached throughput ${Math.round(cached32.ratioToFloor * 100)} % of the floor (≥ 40 %: ${cached32.ratioToFloor >= 0.4 ? "met" : "NOT met"})`,
  );
  const calm = [];
  for (const scenario of scenarios.slice(1, 4).filter((scenario) => scenario.name.includes("(HIT)"))) {
    calm.push({
      scenario: scenario.name,
      ratePerSecond: CALM_RATE,
      seconds: CALM_SECONDS,
      ...(await calmPhase(`${api.worker.url}${scenario.path}`, scenario.init?.headers as Record<string, string>)),
    });
  }
  console.log(`\nthe Worker's own time per cached read at a calm ${CALM_RATE} requests/s for ${CALM_SECONDS} s (Server-Timing, ms):`);
  for (const phase of calm) {
    const worker = (metric: string) => phase.workerMs[metric] ?? { p50: NaN, p99: NaN };
    console.log(
      `  ${phase.scenario.padEnd(28)} total p50 ${String(worker("total").p50).padStart(5)} p99 ${String(worker("total").p99).padStart(5)}` +
        `   (ratelimit p50 ${worker("ratelimit").p50}, cache p50 ${worker("cache").p50}; client p50 ${phase.clientMs.p50} p99 ${phase.clientMs.p99}; ${phase.requests} requests, ${phase.non2xx} non-2xx)`,
    );
  }

  const breakdown = await whereTheTimeGoes(`${api.worker.url}/api/v1/analytics/learner`, bearer(learner), 32, 600);
  console.log("\nwhere a cached learner request spends its time at 32 concurrent requests (Server-Timing, ms):");
  for (const [metric, stats] of Object.entries(breakdown))
    console.log(`  ${metric.padEnd(28)} p50 ${String(stats.p50).padStart(6)}   p99 ${String(stats.p99).padStart(6)}`);
  writeFileSync(
    new URL("./results.json", import.meta.url),
    `${JSON.stringify(
      { measuredAt: new Date().toISOString(), secondsPerScenario: SECONDS, results, calm, cachedLearnerBreakdownMs: breakdown },
      null,
      2,
    )}\n`,
  );
  console.log("written: bench/results.json");
} finally {
  await api.stop();
}
