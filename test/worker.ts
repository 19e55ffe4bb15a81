import { unstable_startWorker } from "wrangler";

export interface RunningWorker {
  url: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Starts the Worker of wrangler.toml in workerd (through wrangler's own dev server, as
 * `wrangler dev` does) with the given variables, on `port` of 127.0.0.1 (0: a free one).
 */
export async function startWorker(vars: Record<string, string>, port = 0): Promise<RunningWorker> {
  const worker = await unstable_startWorker({
    config: "wrangler.toml",
    // Naming an env file stops wrangler from reading a developer's .dev.vars; this one never
    // exists, so the Worker sees exactly the variables a test passes.
    envFiles: ["test/.no-env-file"],
    // Bundled as `wrangler deploy` bundles it (nodejs_compat v2, from wrangler.toml's flags), so
    // node:async_hooks and the other node: modules resolve to the runtime's own.
    build: { nodejsCompatMode: "v2" },
    bindings: Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: "plain_text", value }])),
    dev: { server: { hostname: "127.0.0.1", port }, inspector: false, watch: false, logLevel: "error", remote: false, testScheduled: true },
  });
  const url = (await worker.url).toString().replace(/\/$/, "");
  return {
    url,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    stop: () => worker.dispose(),
  };
}

/** A response body as JSON, loosely typed: tests assert its shape rather than trust a type. */
export const readJson = async (response: Response): Promise<any> => response.json();
