import { setTimeout as sleep } from "node:timers/promises";

/** The Worker's RATE_LIMIT_WINDOW when a test leaves it at its default ("15 m"). */
export const RATE_LIMIT_WINDOW_MS = 15 * 60_000;

/**
 * Waits out the end of the current rate-limit window when less than `marginMs` of it is left, so
 * that the requests a test makes next all land in one window.
 *
 * Upstash's sliding window counts in windows aligned to the epoch and weighs the previous window's
 * count down as the current one goes on: requests that straddle an edge are counted one short, and
 * one more request gets through. A test that expects the refusal right after the limit calls this
 * first, and then does not depend on the time of day it runs at (as long as its burst of requests
 * takes less than `marginMs`).
 */
export async function freshWindow(windowMs = RATE_LIMIT_WINDOW_MS, marginMs = 15_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await sleep(left + 20);
}
