import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** One size's figures, as bench/scale.json keeps them. */
export interface ScaleResult {
  learners: number;
  analysedLearners: number;
  /** "completed" when the organisation's run completed with every learner analysed; else what it ended as. */
  runStatus: "completed" | "partial" | "failed" | "incomplete" | "timeout";
  /** From the cron trigger until the nightly run (every organisation) finished. */
  wallSeconds: number;
  messagesPublished: number;
  /** null: the Worker reported none (no X-Local-Subrequests / X-Local-Max-Connections headers). */
  maxSubrequestsPerInvocation: number | null;
  maxConcurrentConnections: number | null;
  maxNeonRequestBytes: number;
  maxNeonResponseBytes: number;
  /** Layer 2 the run leaves per learner (stored sizes): its snapshots, if any survive it, and its learner analytics. */
  layer2BytesPerLearner: number;
  stepDurations: Record<string, { p50: number; max: number; count: number }>;
  /** How it was measured, and what else the stand-ins saw. */
  context: {
    measuredAt: string;
    upstreamLatencyMs: number;
    pipelineBatchSize: number;
    qstashBackoff: "quick" | "qstash";
    /** The synthetic organisation's own run, from queued to finished. */
    organizationRunSeconds: number | null;
    nightlyStatus: string;
    error: string | null;
    deliveries: number;
    failedAttempts: number;
    qstashMaxInFlight: number;
    neonRequests: number;
    neonRefused: number;
    neonMaxConcurrentRequests: number;
    /** What layer 2 keeps after the run (a finished run deletes its snapshots, so mostly analytics). */
    layer2Bytes: { snapshots: number; analytics: number };
    /** Snapshots of the run at the largest the 15-second samples saw, per learner. */
    peakSnapshotBytesPerLearner: number;
  };
}

export const LIMITS = { subrequests: 1_000, connections: 6, neonBytes: 10 * 1024 * 1024, wallRatio10kTo2k: 5.5 };

/** What went wrong with one run: not every learner analysed, or a platform limit passed. */
export function violations(result: ScaleResult): string[] {
  const found: string[] = [];
  if (result.runStatus !== "completed") found.push(`run ${result.runStatus}: ${result.analysedLearners} of ${result.learners} analysed`);
  if ((result.maxSubrequestsPerInvocation ?? 0) > LIMITS.subrequests)
    found.push(`an invocation made ${result.maxSubrequestsPerInvocation} subrequests (limit ${LIMITS.subrequests})`);
  if ((result.maxConcurrentConnections ?? 0) > LIMITS.connections)
    found.push(`an invocation held ${result.maxConcurrentConnections} connections (limit ${LIMITS.connections})`);
  if (result.maxNeonRequestBytes > LIMITS.neonBytes) found.push(`a Neon request of ${result.maxNeonRequestBytes} bytes (limit 10 MiB)`);
  if (result.maxNeonResponseBytes > LIMITS.neonBytes) found.push(`a Neon response of ${result.maxNeonResponseBytes} bytes (limit 10 MiB)`);
  if (result.context.neonRefused > 0) found.push(`${result.context.neonRefused} Neon requests refused as over 10 MiB`);
  return found;
}

/**
 * The scaling target: 10,000 learners within 5.5 × the wall time of 2,000, measured with
 * the same latency and batch size. null when the file lacks either size.
 */
export function scaling(runs: ScaleResult[]): { ratio: number; met: boolean } | null {
  const small = runs.find((r) => r.learners === 2_000);
  const large = runs.find((r) => r.learners === 10_000);
  if (!small || !large) return null;
  if (
    small.context.upstreamLatencyMs !== large.context.upstreamLatencyMs ||
    small.context.pipelineBatchSize !== large.context.pipelineBatchSize ||
    small.context.qstashBackoff !== large.context.qstashBackoff
  )
    return null;
  const ratio = Math.round((large.wallSeconds / small.wallSeconds) * 100) / 100;
  return { ratio, met: ratio <= LIMITS.wallRatio10kTo2k };
}

/** The runs in the results file, with this one replacing any earlier run of its size; sorted by size. */
export function mergeRuns(file: string, result: ScaleResult): ScaleResult[] {
  const earlier: ScaleResult[] = existsSync(file) ? ((JSON.parse(readFileSync(file, "utf8")) as { runs?: ScaleResult[] }).runs ?? []) : [];
  return [...earlier.filter((r) => r.learners !== result.learners), result].sort((a, b) => a.learners - b.learners);
}

export function writeRuns(file: string, runs: ScaleResult[]): void {
  writeFileSync(file, `${JSON.stringify({ runs }, null, 2)}\n`);
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
const orDash = (value: number | null) => (value === null ? "–" : String(value));

/** The table of every size in the file, then the current run's steps. */
export function table(runs: ScaleResult[], current: ScaleResult): string {
  const columns = [
    "learners",
    "analysed",
    "status",
    "wall s",
    "messages",
    "max subreq",
    "max conns",
    "Neon req MiB",
    "Neon resp MiB",
    "L2 kB/learner",
    "peak snapshots kB/learner",
  ];
  const rows = runs.map((r) => [
    String(r.learners),
    String(r.analysedLearners),
    r.runStatus,
    String(r.wallSeconds),
    String(r.messagesPublished),
    orDash(r.maxSubrequestsPerInvocation),
    orDash(r.maxConcurrentConnections),
    mib(r.maxNeonRequestBytes),
    mib(r.maxNeonResponseBytes),
    (r.layer2BytesPerLearner / 1024).toFixed(1),
    (r.context.peakSnapshotBytesPerLearner / 1024).toFixed(1),
  ]);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  const out = [line(columns), "-".repeat(line(columns).length), ...rows.map(line)];
  out.push("", `steps of the ${current.learners}-learner run (successful deliveries, ms):`);
  for (const [step, { p50, max, count }] of Object.entries(current.stepDurations))
    out.push(`  ${step.padEnd(10)} ${String(count).padStart(6)} ×   p50 ${String(p50).padStart(6)}   max ${String(max).padStart(7)}`);
  const c = current.context;
  out.push(
    "",
    `upstream latency ${c.upstreamLatencyMs} ms, PIPELINE_BATCH_SIZE ${c.pipelineBatchSize}, ${c.qstashBackoff} QStash back-off; organisation run ${orDash(c.organizationRunSeconds)} s, nightly ${c.nightlyStatus}` +
      `; ${c.deliveries} deliveries (${c.failedAttempts} failed attempts), ${c.qstashMaxInFlight} at most in flight; ${c.neonRequests} Neon requests, ${c.neonMaxConcurrentRequests} at most at once`,
  );
  if (c.error) out.push(`error: ${c.error}`);
  return out.join("\n");
}
