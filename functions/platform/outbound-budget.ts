/**
 * What the platform's `fetch` throws once an invocation has used up its subrequests, word for
 * word as a deployed Worker sees it (older runtimes said only "Too many subrequests."; both start
 * the same, so code that recognises one recognises the other).
 */
export const TOO_MANY_SUBREQUESTS =
  "Too many subrequests by single Worker invocation. To configure this limit, refer to https://developers.cloudflare.com/workers/platform/limits/";

export interface OutboundLimits {
  /** Outbound requests one invocation may start; the next one throws. */
  subrequests: number;
  /** Outbound requests waiting for their response headers at once; the rest queue. */
  connections: number;
}

/**
 * One invocation's outbound requests, limited as the hosted platform limits them: each request is
 * counted when it is made and the one past `subrequests` throws TOO_MANY_SUBREQUESTS (it is not
 * sent, and the count stays at the limit); at most `connections` are in flight at once and the
 * others wait, first come first served. A request holds its connection from when it is sent until
 * its response headers arrive or it fails, which is what the platform has counted since April 2026
 * (before, it held the connection until the body was read too).
 */
export class OutboundBudget {
  #sent = 0;
  #refused = 0;
  #inFlight = 0;
  #maxInFlight = 0;
  /** Requests waiting for a connection, oldest first. */
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limits: OutboundLimits) {}

  /** Requests made (sent or waiting to be): at most `limits.subrequests`. */
  get sent(): number {
    return this.#sent;
  }

  /** Requests refused because the invocation had used up its subrequests. */
  get refused(): number {
    return this.#refused;
  }

  /** The most requests that were waiting for response headers at once. */
  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  /** Makes one request through this budget: counted, then sent when a connection is free. */
  async send<T>(request: () => Promise<T>): Promise<T> {
    if (this.#sent >= this.limits.subrequests) {
      this.#refused += 1;
      throw new Error(TOO_MANY_SUBREQUESTS);
    }
    this.#sent += 1;
    await this.#connection();
    try {
      return await request();
    } finally {
      this.#release();
    }
  }

  async #connection(): Promise<void> {
    if (this.#inFlight < this.limits.connections) {
      this.#inFlight += 1;
      this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
      return;
    }
    // The connection is handed over by `#release` without being freed, so none can jump the queue.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight -= 1;
  }
}
