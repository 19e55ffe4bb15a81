/**
 * The dashboard's one data layer: every call to the API goes through the typed client (client/,
 * openapi-fetch over the types generated from the API's OpenAPI document). GET answers of the
 * analytics are revalidated with their ETag: the last body of each URL is kept, and a 304 reuses it.
 */
import { createAnalyticsClient, type Schemas } from "../../client";

export type TimeRange = Schemas["LearnerAnalytics"]["timeRange"];

export type Profile = Schemas["Profile"];

/** A failed call: the problem's title and detail when the API sent one, else what the browser said. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Answer<T> {
  body: T;
  /** True when the API answered 304 and the kept body was reused. */
  notModified: boolean;
}

export interface Api {
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  profile(): Promise<Profile>;
  analytics<T>(kind: "learner" | "trainer" | "organization", timeRange: TimeRange): Promise<Answer<T>>;
  refresh(): Promise<{ runId: string; runs: { runId: string }[] }>;
  run(id: string): Promise<{ status: string; stages: Record<string, { status: string; batches: { completed: number; total: number } }> }>;
  generateReport(request: {
    type: string;
    format: string;
    timeRange: TimeRange;
    scope?: { courseId?: string };
  }): Promise<{ reportId: string; status: string }>;
  reportStatus(id: string): Promise<{ status: string; error: string | null }>;
  reportDownload(id: string): Promise<{ url: string; expiresAt: string }>;
}

/** `data`, or an ApiError from the problem+json body (or the status) of any other answer. */
function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined) return result.data;
  const problem = result.error as { title?: string; detail?: string } | undefined;
  throw new ApiError(result.response.status, problem?.detail ?? problem?.title ?? `HTTP ${result.response.status}`);
}

/** What the browser throws when it never got an answer (network down, CORS refused). */
const unreachable = (error: unknown) =>
  new ApiError(0, `The API could not be reached (${error instanceof Error ? error.message : String(error)})`);

export function createApi(baseUrl: string): Api {
  let accessToken: string | null = null;
  const kept = new Map<string, { etag: string; body: unknown }>();
  const client = createAnalyticsClient({ baseUrl: baseUrl || location.origin, getToken: () => accessToken });

  /** Runs one client call, turning a fetch that never answered into an ApiError. */
  async function call<R>(request: () => Promise<R>): Promise<R> {
    try {
      return await request();
    } catch (error) {
      throw unreachable(error);
    }
  }

  return {
    async signIn(email, password) {
      const tokens = unwrap(await call(() => client.POST("/api/v1/auth/login", { body: { email, password } })));
      accessToken = tokens.accessToken;
      kept.clear();
    },
    async signOut() {
      if (accessToken) await client.POST("/api/v1/auth/logout").catch(() => undefined);
      accessToken = null;
      kept.clear();
    },
    profile: async () => unwrap(await call(() => client.GET("/api/v1/auth/profile"))),
    async analytics<T>(kind: "learner" | "trainer" | "organization", timeRange: TimeRange) {
      const path = `/api/v1/analytics/${kind}` as const;
      const key = `${path}?timeRange=${timeRange}`;
      const previous = kept.get(key);
      const headers = previous ? { "If-None-Match": previous.etag } : {};
      const result = await call(() => client.GET(path, { params: { query: { timeRange } }, headers }));
      if (result.response.status === 304 && previous) return { body: previous.body as T, notModified: true };
      const body = unwrap(result) as T;
      const etag = result.response.headers.get("ETag");
      if (etag) kept.set(key, { etag, body });
      else kept.delete(key);
      return { body, notModified: false };
    },
    refresh: async () => unwrap(await call(() => client.POST("/api/v1/analytics/refresh", {}))),
    run: async (id) => unwrap(await call(() => client.GET("/api/v1/analytics/runs/{id}", { params: { path: { id } } }))),
    generateReport: async (request) =>
      unwrap(await call(() => client.POST("/api/v1/reports/generate", { body: request as Schemas["GenerateReport"] }))),
    reportStatus: async (id) => unwrap(await call(() => client.GET("/api/v1/reports/{id}/status", { params: { path: { id } } }))),
    reportDownload: async (id) => unwrap(await call(() => client.GET("/api/v1/reports/{id}/download", { params: { path: { id } } }))),
  };
}
