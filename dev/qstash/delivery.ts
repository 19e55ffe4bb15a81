import type { Logger } from "../stand-in";
import { type RetryBackoff, retryDelayMs } from "./backoff";
import { FlowGates } from "./flow-control";
import { type CallbackTarget, headerRecord, instantiate, type Message } from "./message";
import { signDelivery } from "./signing";
import type { Statistics } from "./stats";

export interface DeliveryOptions {
  signingKey: string;
  backoff: RetryBackoff;
  stats: Statistics;
  log: Logger;
}

interface DestinationResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

// setTimeout fires at once past ~24.8 days, so longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The messages waiting for (another) delivery attempt. A message stays here until it is
 * delivered, fails for good or is cancelled, which is also what `client.messages.get` sees.
 * A message that is due and has flow control then waits its turn at its key's gate.
 */
export class Deliveries {
  private readonly queued = new Map<string, { message: Message; timer?: NodeJS.Timeout }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly gates = new FlowGates();
  private readonly closing = new AbortController();

  constructor(private readonly options: DeliveryOptions) {}

  enqueue(message: Message): void {
    // A publish that raced close() must not leave a timer behind.
    if (this.closing.signal.aborted) return;
    this.queued.set(message.messageId, { message });
    this.attemptAt(message, 0, message.notBefore);
  }

  get(messageId: string): Message | undefined {
    return this.queued.get(messageId)?.message;
  }

  messageIds(): string[] {
    return [...this.queued.keys()];
  }

  /** Drops a message; an attempt already under way finishes but is not retried or called back. */
  cancel(messageId: string): boolean {
    clearTimeout(this.queued.get(messageId)?.timer);
    return this.queued.delete(messageId);
  }

  /** Cancels everything and aborts the requests under way, then waits for them to settle. */
  async close(): Promise<void> {
    for (const messageId of this.messageIds()) this.cancel(messageId);
    this.gates.close();
    this.closing.abort();
    await Promise.allSettled(this.inFlight);
  }

  private attemptAt(message: Message, retried: number, when: number): void {
    const entry = this.queued.get(message.messageId);
    if (!entry) return;
    const wait = Math.max(0, when - Date.now());
    entry.timer = setTimeout(
      () => (wait > MAX_TIMER_MS ? this.attemptAt(message, retried, when) : this.whenAdmitted(message, retried)),
      Math.min(wait, MAX_TIMER_MS),
    );
  }

  private whenAdmitted(message: Message, retried: number): void {
    this.gates.admit(message.flowControl, () => {
      // Cancelled while waiting at the gate: it takes no slot.
      if (!this.queued.has(message.messageId) || this.closing.signal.aborted) return false;
      this.run(message, retried);
      return true;
    });
  }

  private run(message: Message, retried: number): void {
    const attempt = this.attempt(message, retried).finally(() => {
      this.inFlight.delete(attempt);
      this.gates.release(message.flowControl);
    });
    this.inFlight.add(attempt);
  }

  private async attempt(message: Message, retried: number): Promise<void> {
    const started = Date.now();
    const ended = this.options.stats.attempt(message.url);
    let response: DestinationResponse | undefined;
    let error: string | undefined;
    try {
      response = await this.send(message, retried);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    const durationMs = Date.now() - started;
    const delivered = response !== undefined && response.status >= 200 && response.status < 300;
    ended({ delivered, durationMs, headers: response?.headers });
    const cancelled = !this.queued.has(message.messageId);
    const exhausted = retried >= message.maxRetries;
    const retryDelay = cancelled || delivered || exhausted ? undefined : retryDelayMs(retried + 1, this.options.backoff);
    this.options.log({
      service: "qstash",
      event: "delivery",
      messageId: message.messageId,
      scheduleId: message.scheduleId,
      method: message.method,
      url: message.url,
      retried,
      status: response?.status,
      error,
      durationMs,
      outcome: cancelled ? "cancelled" : delivered ? "delivered" : exhausted ? "failed" : "retrying",
      retryDelayMs: retryDelay,
    });
    if (cancelled) return;
    // QStash calls the callback with every response it gets, failed ones included (see its docs:
    // "the callback might be called multiple times for each retry").
    if (response && message.callback) this.callBack(message, message.callback, retried, response);
    if (retryDelay !== undefined) {
      this.attemptAt(message, retried + 1, Date.now() + retryDelay);
      return;
    }
    this.queued.delete(message.messageId);
    if (!delivered && message.failureCallback) this.callBack(message, message.failureCallback, retried, response);
  }

  private async send(message: Message, retried: number): Promise<DestinationResponse> {
    // fetch cannot send a body with GET or HEAD; the signature must cover what is actually sent.
    const body = message.method === "GET" || message.method === "HEAD" ? Buffer.alloc(0) : message.body;
    const headers = new Headers(message.headers);
    headers.set("User-Agent", "Upstash-QStash");
    headers.set("Upstash-Signature", await signDelivery(this.options.signingKey, message.url, body));
    headers.set("Upstash-Message-Id", message.messageId);
    headers.set("Upstash-Retried", String(retried));
    headers.set("Upstash-Caller-Ip", message.callerIp);
    if (message.scheduleId) headers.set("Upstash-Schedule-Id", message.scheduleId);
    const response = await fetch(message.url, {
      method: message.method,
      headers,
      body: body.length > 0 ? body : undefined,
      signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(message.timeoutMs)]),
    });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  }

  /**
   * QStash publishes a callback as a message of its own (signed, retried), whose JSON body
   * reports the response and the source message. Without a response (network error, timeout)
   * only the source part is sent.
   */
  private callBack(source: Message, target: CallbackTarget, retried: number, response?: DestinationResponse): void {
    const report = {
      ...(response && {
        status: response.status,
        header: headerRecord(response.headers),
        body: response.body.toString("base64"),
      }),
      retried,
      maxRetries: source.maxRetries,
      sourceMessageId: source.messageId,
      url: source.url,
      method: source.method,
      sourceHeader: headerRecord(source.headers),
      sourceBody: source.body.toString("base64"),
      // QStash sends these two timestamps as strings of milliseconds.
      notBefore: String(source.notBefore),
      createdAt: String(source.createdAt),
      scheduleId: source.scheduleId,
      callerIP: source.callerIp,
    };
    const headers = new Headers(target.headers);
    headers.set("Content-Type", "application/json");
    this.enqueue(
      instantiate({
        url: target.url,
        method: target.method,
        headers,
        body: Buffer.from(JSON.stringify(report)),
        maxRetries: target.retries,
        timeoutMs: target.timeoutMs,
        delayMs: target.delayMs,
        callerIp: source.callerIp,
      }),
    );
  }
}
