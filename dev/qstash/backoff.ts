/**
 * How long a failed delivery waits before retry n (n = 1 for the first retry, the value of the
 * next attempt's `Upstash-Retried`):
 * - "qstash": QStash's documented back-off, min(86400, e^(2.5·n)) seconds, which its docs tabulate
 *   in whole seconds: 12 s, 2 min 28 s, 30 min 8 s, 6 h 7 min 6 s, then a day
 *   (https://upstash.com/docs/qstash/features/retry);
 * - "quick": the same growth in shape, base · 2^(n-1), at a scale that keeps dev runs quick.
 */
export type RetryBackoff = { kind: "qstash" } | { kind: "quick"; baseMs: number };

// QStash caps each back-off at one day.
const MAX_RETRY_DELAY_MS = 86_400_000;

export function retryDelayMs(retry: number, backoff: RetryBackoff): number {
  const delay = backoff.kind === "qstash" ? Math.floor(Math.exp(2.5 * retry)) * 1000 : backoff.baseMs * 2 ** (retry - 1);
  return Math.min(delay, MAX_RETRY_DELAY_MS);
}
