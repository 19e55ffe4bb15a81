import { AsyncLocalStorage } from "node:async_hooks";
import type { Env } from "../../core/env";
import { OutboundBudget, type OutboundLimits } from "./outbound-budget";

/**
 * The hosted platform limits each invocation's outbound requests (subrequests, simultaneous
 * connections); workerd under `wrangler dev` and the tests limits neither (wrangler's `[limits]`
 * only configures the deployed Worker). So, outside production, every `fetch` the Worker makes
 * goes through the budget of the invocation it belongs to. Every outbound client of this Worker
 * calls the global `fetch` when it sends (the Neon HTTP driver, @upstash/redis, @upstash/qstash,
 * the jobs' upstream calls), so wrapping that one function covers them all. Service bindings
 * (ASSETS) are not fetches and are not counted, nor are redirects the runtime follows.
 */

/** Response headers of every invocation served under local limits. */
export const SUBREQUESTS_HEADER = "X-Local-Subrequests";
export const REFUSED_HEADER = "X-Local-Subrequests-Refused";
export const MAX_CONNECTIONS_HEADER = "X-Local-Max-Connections";

/** The invocation each piece of async work belongs to: isolates serve many invocations at once. */
const current = new AsyncLocalStorage<OutboundBudget>();

/** The limits to enforce: none in production (the platform enforces its own) or when turned off. */
export function localLimits(env: Pick<Env, "ENVIRONMENT" | "LOCAL_PLATFORM_LIMITS" | "LOCAL_SUBREQUEST_LIMIT" | "LOCAL_CONNECTION_LIMIT">) {
  if (env.ENVIRONMENT === "production" || env.LOCAL_PLATFORM_LIMITS === "off") return undefined;
  return { subrequests: env.LOCAL_SUBREQUEST_LIMIT, connections: env.LOCAL_CONNECTION_LIMIT } satisfies OutboundLimits;
}

/** `platformFetch`, through the budget of the calling invocation; work outside any invocation passes through. */
export function budgetedFetch(platformFetch: typeof fetch): typeof fetch {
  return (input, init) => {
    const budget = current.getStore();
    return budget ? budget.send(() => platformFetch(input, init)) : platformFetch(input, init);
  };
}

let installed = false;

/** Replaces the global `fetch` once per isolate, and only in an isolate that enforces limits. */
function install(): void {
  if (installed) return;
  installed = true;
  globalThis.fetch = budgetedFetch(globalThis.fetch);
}

/**
 * Runs `work` (a scheduled invocation's) under its own budget, or as is where limits are not
 * enforced. Work it hands to `waitUntil` from inside keeps the budget, as on the platform.
 */
export function withLocalLimits<T>(env: Env, work: () => T): T {
  const limits = localLimits(env);
  if (!limits) return work();
  install();
  return current.run(new OutboundBudget(limits), work);
}

/**
 * Serves one request under its own budget and reports on the response what the invocation used:
 * the requests it made, those refused past the limit, and the most in flight at once. Everything
 * the handler awaited is counted; work left to `waitUntil` is still limited but may finish after
 * the headers are written.
 */
export async function serveWithLocalLimits(env: Env, handle: () => Response | Promise<Response>): Promise<Response> {
  const limits = localLimits(env);
  if (!limits) return handle();
  install();
  const budget = new OutboundBudget(limits);
  const response = await current.run(budget, handle);
  // A copy: a response passed through from elsewhere may have immutable headers.
  const stamped = new Response(response.body, response);
  stamped.headers.set(SUBREQUESTS_HEADER, String(budget.sent));
  stamped.headers.set(REFUSED_HEADER, String(budget.refused));
  stamped.headers.set(MAX_CONNECTIONS_HEADER, String(budget.maxInFlight));
  return stamped;
}
