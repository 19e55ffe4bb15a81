/**
 * The dashboard's one data layer: every call to the API goes through here, so switching to the
 * generated client is a change of this file only. GET answers are revalidated with their ETag:
 * the last body of each URL is kept, and a 304 reuses it.
 */

export type TimeRange = "7d" | "30d" | "90d" | "1y";

export interface Profile {
  id: string;
  email: string;
  name: string;
  role: "learner" | "trainer" | "org_admin";
  department: string | null;
  organization: { id: string; name: string };
}

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

export function createApi(baseUrl: string): Api {
  let accessToken: string | null = null;
  const kept = new Map<string, { etag: string; body: unknown }>();

  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (accessToken) headers.set("Authorization", `Bearer ${accessToken}`);
    if (init.body) headers.set("Content-Type", "application/json");
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, { ...init, headers });
    } catch (error) {
      throw new ApiError(0, `The API could not be reached (${error instanceof Error ? error.message : String(error)})`);
    }
    if (response.status >= 400) {
      const problem = (await response.json().catch(() => null)) as { title?: string; detail?: string } | null;
      throw new ApiError(response.status, problem?.detail ?? problem?.title ?? `HTTP ${response.status}`);
    }
    return response;
  }

  const json = async <T>(path: string, init?: RequestInit): Promise<T> => (await call(path, init)).json() as Promise<T>;
  const post = <T>(path: string, body?: unknown) =>
    json<T>(path, { method: "POST", body: body === undefined ? null : JSON.stringify(body) });

  return {
    async signIn(email, password) {
      const tokens = await post<{ accessToken: string }>("/api/v1/auth/login", { email, password });
      accessToken = tokens.accessToken;
      kept.clear();
    },
    async signOut() {
      if (accessToken) await call("/api/v1/auth/logout", { method: "POST" }).catch(() => undefined);
      accessToken = null;
      kept.clear();
    },
    profile: () => json<Profile>("/api/v1/auth/profile"),
    async analytics<T>(kind: string, timeRange: TimeRange) {
      const path = `/api/v1/analytics/${kind}?timeRange=${timeRange}`;
      const previous = kept.get(path);
      const response = await call(path, previous ? { headers: { "If-None-Match": previous.etag } } : {});
      if (response.status === 304 && previous) return { body: previous.body as T, notModified: true };
      const body = (await response.json()) as T;
      const etag = response.headers.get("ETag");
      if (etag) kept.set(path, { etag, body });
      else kept.delete(path);
      return { body, notModified: false };
    },
    refresh: () => post("/api/v1/analytics/refresh"),
    run: (id) => json(`/api/v1/analytics/runs/${id}`),
    generateReport: (request) => post("/api/v1/reports/generate", request),
    reportStatus: (id) => json(`/api/v1/reports/${id}/status`),
    reportDownload: (id) => json(`/api/v1/reports/${id}/download`),
  };
}
