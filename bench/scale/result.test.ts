import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { percentile } from "./measure";
import { mergeRuns, type ScaleResult, scaling, violations, writeRuns } from "./result";

const run = (learners: number, changes: Partial<ScaleResult> = {}): ScaleResult => ({
  learners,
  analysedLearners: learners,
  runStatus: "completed",
  wallSeconds: learners / 40,
  messagesPublished: learners / 5,
  maxSubrequestsPerInvocation: 120,
  maxConcurrentConnections: 6,
  maxNeonRequestBytes: 700_000,
  maxNeonResponseBytes: 700_000,
  layer2BytesPerLearner: 22_000,
  stepDurations: {},
  context: {
    measuredAt: "2026-05-01T00:00:00.000Z",
    upstreamLatencyMs: 100,
    pipelineBatchSize: 10,
    qstashBackoff: "quick",
    organizationRunSeconds: learners / 40,
    nightlyStatus: "completed",
    error: null,
    deliveries: 0,
    failedAttempts: 0,
    qstashMaxInFlight: 0,
    neonRequests: 0,
    neonRefused: 0,
    neonMaxConcurrentRequests: 0,
    layer2Bytes: { snapshots: 0, analytics: 0 },
    peakSnapshotBytesPerLearner: 0,
  },
  ...changes,
});

describe("violations", () => {
  it("finds none in a completed run within every limit, an unmeasured limit included", () => {
    expect(violations(run(1000))).toEqual([]);
    expect(violations(run(1000, { maxSubrequestsPerInvocation: null, maxConcurrentConnections: null }))).toEqual([]);
  });

  it("names each limit passed and a run that left learners out", () => {
    const found = violations(
      run(1000, {
        runStatus: "incomplete",
        analysedLearners: 990,
        maxSubrequestsPerInvocation: 1001,
        maxConcurrentConnections: 7,
        maxNeonResponseBytes: 10 * 1024 * 1024 + 1,
      }),
    );
    expect(found).toEqual([
      "run incomplete: 990 of 1000 analysed",
      "an invocation made 1001 subrequests (limit 1000)",
      "an invocation held 7 connections (limit 6)",
      "a Neon response of 10485761 bytes (limit 10 MiB)",
    ]);
  });
});

describe("scaling", () => {
  it("compares 10,000 with 2,000 learners measured the same way", () => {
    expect(scaling([run(2000, { wallSeconds: 60 }), run(10_000, { wallSeconds: 330 })])).toEqual({ ratio: 5.5, met: true });
    expect(scaling([run(2000, { wallSeconds: 60 }), run(10_000, { wallSeconds: 331 })])).toEqual({ ratio: 5.52, met: false });
    expect(scaling([run(1000), run(10_000)])).toBeNull();
    const slower = run(10_000);
    slower.context = { ...slower.context, upstreamLatencyMs: 360 };
    expect(scaling([run(2000), slower])).toBeNull();
  });
});

describe("mergeRuns", () => {
  it("keeps other sizes, replaces the same size, and sorts by size", () => {
    const dir = mkdtempSync(join(tmpdir(), "scale-json-"));
    try {
      const file = join(dir, "scale.json");
      expect(mergeRuns(file, run(2000)).map((r) => r.learners)).toEqual([2000]);
      writeRuns(file, [run(1000), run(2000, { wallSeconds: 99 })]);
      const merged = mergeRuns(file, run(2000, { wallSeconds: 50 }));
      expect(merged.map((r) => [r.learners, r.wallSeconds])).toEqual([
        [1000, 25],
        [2000, 50],
      ]);
      expect(mergeRuns(file, run(10_000)).map((r) => r.learners)).toEqual([1000, 2000, 10_000]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("percentile", () => {
  it("takes the nearest rank", () => {
    expect(percentile([40, 10, 30, 20], 50)).toBe(20);
    expect(percentile([40, 10, 30, 20], 100)).toBe(40);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});
