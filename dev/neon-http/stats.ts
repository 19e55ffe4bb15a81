/** What the scale benchmark reads at `GET /__stats`: how hard the Worker pushed the SQL endpoint. */
export interface NeonHttpStats {
  requests: number;
  /** The largest request body seen, in bytes (refused ones included). */
  maxRequestBytes: number;
  /** The largest response body sent, in bytes. */
  maxResponseBytes: number;
  /** The most requests in flight at once. */
  maxConcurrentRequests: number;
  /** Requests answered 413 or 507 because a body was over its limit. */
  refused: number;
}

export class RequestStats {
  private inFlight = 0;
  private stats = RequestStats.empty();

  private static empty(): NeonHttpStats {
    return { requests: 0, maxRequestBytes: 0, maxResponseBytes: 0, maxConcurrentRequests: 0, refused: 0 };
  }

  /** Counts a request under way; call the returned function once it is answered. */
  begin(): () => void {
    this.stats.requests++;
    this.inFlight++;
    this.stats.maxConcurrentRequests = Math.max(this.stats.maxConcurrentRequests, this.inFlight);
    return () => {
      this.inFlight--;
    };
  }

  sizes(requestBytes: number, responseBytes: number, refused: boolean): void {
    this.stats.maxRequestBytes = Math.max(this.stats.maxRequestBytes, requestBytes);
    this.stats.maxResponseBytes = Math.max(this.stats.maxResponseBytes, responseBytes);
    if (refused) this.stats.refused++;
  }

  read(): NeonHttpStats {
    return { ...this.stats };
  }

  /** Starts counting afresh; requests still in flight keep counting towards the concurrency. */
  reset(): void {
    this.stats = RequestStats.empty();
  }
}
