import { parseArgs } from "node:util";

export interface ScaleOptions {
  learners: number;
  /** Latency of every simulated upstream answer: the issue measured ~360 ms from the real services. */
  latencyMs: number;
  /** PIPELINE_BATCH_SIZE: learners per collect and analyze step. */
  batchSize: number;
  /** The results file; runs of other sizes already in it are kept. */
  out: string;
  /** Give up waiting for the nightly run after this long. */
  timeoutMinutes: number;
  /** QStash's retry back-off: the stand-in's quick one (default), or QStash's own (12 s, 2.5 min, 30 min…). */
  qstashBackoff: "quick" | "qstash";
}

const USAGE =
  "usage: npm run bench:scale -- --learners N [--latency-ms 100] [--batch-size 10] [--out bench/scale.json] [--timeout-minutes M] [--qstash-backoff quick|qstash]";

function whole(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, got ${value}\n${USAGE}`);
  return n;
}

export function parseScaleOptions(argv: string[]): ScaleOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      learners: { type: "string" },
      "latency-ms": { type: "string" },
      "batch-size": { type: "string" },
      out: { type: "string" },
      "timeout-minutes": { type: "string" },
      "qstash-backoff": { type: "string" },
    },
    strict: true,
  });
  if (values.learners === undefined) throw new Error(USAGE);
  const learners = whole("learners", values.learners, 0, 1);
  const backoff = values["qstash-backoff"] ?? "quick";
  if (backoff !== "quick" && backoff !== "qstash") throw new Error(`--qstash-backoff is quick or qstash, got ${backoff}\n${USAGE}`);
  return {
    learners,
    latencyMs: whole("latency-ms", values["latency-ms"], 100, 0),
    batchSize: whole("batch-size", values["batch-size"], 10, 1),
    out: values.out ?? "bench/scale.json",
    // A 10,000-learner run on two shared cores takes tens of minutes: allow ample time per learner.
    qstashBackoff: backoff,
    timeoutMinutes: whole("timeout-minutes", values["timeout-minutes"], Math.max(20, Math.ceil(learners / 100)), 1),
  };
}
