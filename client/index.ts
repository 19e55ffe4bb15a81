// The typed client for dashboard code: openapi-fetch over the types generated from the API's
// OpenAPI document (schema.ts, `npm run client:generate`). Paths, parameters, bodies and answers
// are checked by TypeScript; every request carries the caller's bearer token.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, operations, paths } from "./schema";

/** The API's named schemas: `Schemas["GenerateReport"]`, `Schemas["Problem"]`, … */
export type Schemas = components["schemas"];

/** A token, or nothing when signed out (public operations such as login need none). */
type MaybeToken = string | null | undefined;

export interface AnalyticsClientOptions {
  /** The API's origin, e.g. "http://127.0.0.1:8787" (`npm run dev`) or the deployment's public URL. */
  baseUrl: string;
  /** A fixed access token. */
  token?: string;
  /** Asked before every request: the current access token (e.g. refreshed by the dashboard). Wins over `token`. */
  getToken?: () => MaybeToken | Promise<MaybeToken>;
  /** Another fetch (tests, a Service Binding, instrumentation). */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export type AnalyticsClient = Client<paths>;

/**
 * A client for the Learning Analytics API. Each call is typed by its path and method:
 *
 *   const api = createAnalyticsClient({ baseUrl, getToken: () => session.accessToken });
 *   const { data, error } = await api.GET("/api/v1/analytics/learner", { params: { query: { timeRange: "30d" } } });
 *
 * `data` is the 2xx body, `error` the problem+json body of any other answer; `response` the raw Response.
 * A request that already sets Authorization keeps it.
 */
export function createAnalyticsClient(options: AnalyticsClientOptions): AnalyticsClient {
  const { baseUrl, token, getToken, fetch, headers } = options;
  const client = createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ""),
    ...(fetch ? { fetch } : {}),
    ...(headers ? { headers } : {}),
  });
  const bearer: Middleware = {
    async onRequest({ request }) {
      if (request.headers.has("Authorization")) return undefined;
      const current = getToken ? await getToken() : token;
      if (current) request.headers.set("Authorization", `Bearer ${current}`);
      return request;
    },
  };
  client.use(bearer);
  return client;
}
