import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { buildDashboard } from "../dashboard/build";
import { demoId } from "../dev/demo/roster";
import { SYNTHETIC_SLUG } from "../dev/demo/synthetic";
import type { NeonHttpStats } from "../dev/neon-http/stats";
import { freePort } from "../dev/ports";
import type { QStashStats } from "../dev/qstash/stats";
import { startStack } from "../dev/stack";
import { SERVICES } from "../jobs/collect/contracts";
import { startWorker } from "../test/worker";
import {
  analysedLearners,
  failedAttempts,
  isFinished,
  layer2Bytes,
  nightlyRun,
  organizationRun,
  readStats,
  resetStats,
  stepDurations,
} from "./scale/measure";
import { parseScaleOptions } from "./scale/options";
import { mergeRuns, type ScaleResult, scaling, table, violations, writeRuns } from "./scale/result";

/**
 * `npm run bench:scale -- --learners N`: the nightly run for a synthetic organisation of N
 * learners (beside the demo organisations) through the local stack, with the Worker's platform
 * limits enforced and every upstream answer delayed by --latency-ms. Prints a table of every size
 * measured so far, writes bench/scale.json, and exits non-zero when the organisation's run did not
 * analyse every learner or a limit was passed.
 */
const options = parseScaleOptions(process.argv.slice(2));
const organizationId = demoId("org", SYNTHETIC_SLUG);
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const say = (message: string) => console.log(`[bench:scale ${new Date().toISOString().slice(11, 19)}] ${message}`);

await buildDashboard();
const dataDir = mkdtempSync(join(tmpdir(), "analytics-scale-"));
const port = await freePort();
say(`seeding ${options.learners} learners and starting the stack`);
const stack = await startStack({
  dataDir,
  persistent: false,
  workerUrl: `http://127.0.0.1:${port}`,
  scaleLearners: options.learners,
  qstashRetryBackoff: options.qstashBackoff,
});
let exitCode = 1;
try {
  const worker = await startWorker(
    { ...stack.vars, ENVIRONMENT: "test", LOCAL_PLATFORM_LIMITS: "enforce", PIPELINE_BATCH_SIZE: String(options.batchSize) },
    port,
  );
  const client = new pg.Client(stack.vars.DIRECT_DATABASE_URL);
  await client.connect();
  try {
    for (const service of SERVICES) {
      const response = await fetch(`${stack.simulator.url}/__faults/${service}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mode: "ok", latencyMs: options.latencyMs }),
      });
      if (!response.ok) throw new Error(`setting the latency of ${service} answered ${response.status}`);
    }
    await Promise.all([resetStats(stack.neonHttp.url), resetStats(stack.qstash.url)]);

    say(`nightly run started (upstream latency ${options.latencyMs} ms, batch size ${options.batchSize})`);
    const started = Date.now();
    const trigger = await worker.fetch("/__scheduled?cron=0+2+*+*+*");
    await trigger.body?.cancel();
    if (trigger.status !== 200) throw new Error(`the scheduled route answered ${trigger.status}`);

    const deadline = started + options.timeoutMinutes * 60_000;
    let nightly = await nightlyRun(client);
    let lastReport = 0;
    // A finished run deletes its snapshots, so their size is sampled each second while it runs.
    let peakSnapshotBytes = 0;
    while (!isFinished(nightly) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      nightly = await nightlyRun(client);
      const own = nightly && (await organizationRun(client, nightly.id, organizationId));
      if (!own) continue;
      peakSnapshotBytes = Math.max(peakSnapshotBytes, (await layer2Bytes(client, own.id)).snapshots);
      if (Date.now() - lastReport >= 15_000) {
        lastReport = Date.now();
        const done = await analysedLearners(client, own.id);
        say(
          `${seconds(Date.now() - started)} s: organisation run ${own.status}, snapshots ${(peakSnapshotBytes / 1024 / 1024).toFixed(1)} MB at most, ${done} of ${options.learners} learners analysed`,
        );
      }
    }

    const own = nightly ? await organizationRun(client, nightly.id, organizationId) : undefined;
    const analysed = own ? await analysedLearners(client, own.id) : 0;
    const bytes = own ? await layer2Bytes(client, own.id) : { snapshots: 0, analytics: 0 };
    const [neon, qstash] = await Promise.all([readStats<NeonHttpStats>(stack.neonHttp.url), readStats<QStashStats>(stack.qstash.url)]);
    const timedOut = !isFinished(nightly);
    const runStatus: ScaleResult["runStatus"] = timedOut
      ? "timeout"
      : own?.status === "completed"
        ? analysed === options.learners
          ? "completed"
          : "incomplete"
        : own?.status === "partial" || own?.status === "failed"
          ? own.status
          : "incomplete";
    // A Worker that sends no X-Local-* headers reports nothing: say so rather than claim 0.
    const reported = (value: number) => (qstash.deliveries > 0 && value === 0 ? null : value);
    const result: ScaleResult = {
      learners: options.learners,
      analysedLearners: analysed,
      runStatus,
      wallSeconds: seconds((nightly?.finishedAt?.getTime() ?? Date.now()) - started),
      messagesPublished: qstash.published,
      maxSubrequestsPerInvocation: reported(qstash.maxSubrequestsPerInvocation),
      maxConcurrentConnections: reported(qstash.maxConnectionsPerInvocation),
      maxNeonRequestBytes: neon.maxRequestBytes,
      maxNeonResponseBytes: neon.maxResponseBytes,
      layer2BytesPerLearner: Math.round((bytes.snapshots + bytes.analytics) / options.learners),
      stepDurations: stepDurations(qstash),
      context: {
        measuredAt: new Date(started).toISOString(),
        upstreamLatencyMs: options.latencyMs,
        pipelineBatchSize: options.batchSize,
        qstashBackoff: options.qstashBackoff,
        organizationRunSeconds: own?.finishedAt ? seconds(own.finishedAt.getTime() - own.createdAt.getTime()) : null,
        nightlyStatus: nightly?.status ?? "not started",
        error: own?.error ?? nightly?.error ?? null,
        deliveries: qstash.deliveries,
        failedAttempts: failedAttempts(qstash),
        qstashMaxInFlight: qstash.maxInFlight,
        neonRequests: neon.requests,
        neonRefused: neon.refused,
        neonMaxConcurrentRequests: neon.maxConcurrentRequests,
        layer2Bytes: bytes,
        peakSnapshotBytesPerLearner: Math.round(Math.max(peakSnapshotBytes, bytes.snapshots) / options.learners),
      },
    };

    const runs = mergeRuns(options.out, result);
    writeRuns(options.out, runs);
    console.log(`\n${table(runs, result)}`);
    const scaled = scaling(runs);
    if (scaled) console.log(`\nwall time of 10,000 learners / 2,000: ${scaled.ratio} (at most 5.5: ${scaled.met ? "met" : "NOT met"})`);
    if (result.maxSubrequestsPerInvocation === null)
      console.log("\nthe Worker reported no X-Local-Subrequests / X-Local-Max-Connections: those limits were not measured");
    const problems = [
      ...violations(result),
      ...(scaled && !scaled.met && options.learners === 10_000 ? ["wall time over 5.5 × 2,000's"] : []),
    ];
    for (const problem of problems) console.log(`NOT within limits: ${problem}`);
    console.log(`written: ${options.out}`);
    exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    await client.end();
    await worker.stop();
  }
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
