/** One job step's deliveries, keyed by the last path segment of the destination (e.g. "collect"). */
export interface StepStats {
  /** Every attempt, failed ones included. */
  count: number;
  /** Wall time of each successful attempt, in the order they ended. */
  durationsMs: number[];
}

/** What the scale benchmark reads at `GET /__stats`. */
export interface QStashStats {
  /** Messages accepted by publish and batch (a deduplicated one is not a new message). */
  published: number;
  batchRequests: number;
  publishRequests: number;
  /** Delivery attempts, retries and callbacks included. */
  deliveries: number;
  /** The most delivery attempts in flight at once. */
  maxInFlight: number;
  steps: Record<string, StepStats>;
  /** The most outbound requests one Worker invocation reported making (`X-Local-Subrequests`). */
  maxSubrequestsPerInvocation: number;
  /** The most connections one Worker invocation reported holding at once (`X-Local-Max-Connections`). */
  maxConnectionsPerInvocation: number;
}

const empty = (): QStashStats => ({
  published: 0,
  batchRequests: 0,
  publishRequests: 0,
  deliveries: 0,
  maxInFlight: 0,
  steps: {},
  maxSubrequestsPerInvocation: 0,
  maxConnectionsPerInvocation: 0,
});

export class Statistics {
  private stats = empty();
  private inFlight = 0;

  request(kind: "publish" | "batch"): void {
    if (kind === "batch") this.stats.batchRequests++;
    else this.stats.publishRequests++;
  }

  published(messages: number): void {
    this.stats.published += messages;
  }

  /** Counts an attempt under way; call the returned function with its outcome once it ends. */
  attempt(url: string): (ended: { delivered: boolean; durationMs: number; headers?: Headers }) => void {
    this.stats.deliveries++;
    this.inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
    const step = lastSegment(url);
    const steps = this.stats.steps;
    steps[step] ??= { count: 0, durationsMs: [] };
    steps[step].count++;
    return ({ delivered, durationMs, headers }) => {
      this.inFlight--;
      if (delivered) this.stats.steps[step]?.durationsMs.push(durationMs);
      this.stats.maxSubrequestsPerInvocation = Math.max(this.stats.maxSubrequestsPerInvocation, count(headers?.get("X-Local-Subrequests")));
      this.stats.maxConnectionsPerInvocation = Math.max(
        this.stats.maxConnectionsPerInvocation,
        count(headers?.get("X-Local-Max-Connections")),
      );
    };
  }

  read(): QStashStats {
    return structuredClone(this.stats);
  }

  /** Starts counting afresh; attempts under way still count towards the concurrency. */
  reset(): void {
    this.stats = empty();
  }
}

function lastSegment(url: string): string {
  return new URL(url).pathname.split("/").filter(Boolean).at(-1) ?? "/";
}

/** A header's integer value; 0 when absent or not a count, so it never raises a maximum. */
function count(value: string | null | undefined): number {
  return value && /^\d+$/.test(value) ? Number(value) : 0;
}
