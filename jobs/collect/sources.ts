import type { Env } from "../../core/env";
import { ANALYTICS_DATA_PATH, payloadSchemas, type ServiceName } from "./contracts";
import { serviceToken } from "./service-token";

export type SourceResult = { ok: true; payload: unknown } | { ok: false; reason: string };

/** The base URL of a service: its own entry in UPSTREAM_URLS, else `${UPSTREAM_BASE_URL}/<service>`. */
export const serviceBaseUrl = (env: Env, service: ServiceName) => env.UPSTREAM_URLS[service] ?? `${env.UPSTREAM_BASE_URL}/${service}`;

/**
 * Asks one service for what it knows about one learner, with a service token and a deadline,
 * and checks the answer against the service's contract. Never throws: a failure is a result.
 * The deadline (UPSTREAM_TIMEOUT_MS, covering the answer's body too) starts when this is called,
 * so callers start it only when a connection is free (see `runPooled`).
 */
export async function fetchLearnerData(env: Env, fetcher: typeof fetch, service: ServiceName, userId: string): Promise<SourceResult> {
  const url = `${serviceBaseUrl(env, service)}${ANALYTICS_DATA_PATH}?userId=${encodeURIComponent(userId)}`;
  const deadline = new AbortController();
  // A timer of our own rather than AbortSignal.timeout: it is cleared when the call ends.
  const timer = setTimeout(
    () => deadline.abort(new DOMException(`timeout after ${env.UPSTREAM_TIMEOUT_MS} ms`, "TimeoutError")),
    env.UPSTREAM_TIMEOUT_MS,
  );
  try {
    return await askAndCheck(env, fetcher, service, url, deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

const isAbort = (error: unknown) => error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");

async function askAndCheck(env: Env, fetcher: typeof fetch, service: ServiceName, url: string, signal: AbortSignal): Promise<SourceResult> {
  const timedOut: SourceResult = { ok: false, reason: `timeout after ${env.UPSTREAM_TIMEOUT_MS} ms` };
  let response: Response;
  try {
    response = await fetcher(url, {
      headers: { Authorization: `Bearer ${await serviceToken(env, service)}`, Accept: "application/json" },
      signal,
    });
  } catch (error) {
    return isAbort(error) || signal.aborted
      ? timedOut
      : { ok: false, reason: `unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, reason: `HTTP ${response.status}` };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return signal.aborted ? timedOut : { ok: false, reason: "invalid payload: not JSON" };
  }
  const parsed = payloadSchemas[service].safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `invalid payload: ${issue ? `${issue.path.join(".")} ${issue.message}` : "does not meet the contract"}` };
  }
  return { ok: true, payload: parsed.data };
}
