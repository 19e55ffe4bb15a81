import { describe, expect, it } from "vitest";
import { createAnalyticsClient } from "./index";

/** A fetch that records each request and answers 200 with `{}`. */
function recordingFetch() {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } });
  };
  return { requests, fetch };
}

describe("createAnalyticsClient", () => {
  it("sends the fixed token as a bearer token to the base URL", async () => {
    const { requests, fetch } = recordingFetch();
    const client = createAnalyticsClient({ baseUrl: "https://api.test/", token: "t0ken", fetch });
    await client.GET("/api/v1/analytics/learner", { params: { query: { timeRange: "7d" } } });
    expect(requests[0]!.url).toBe("https://api.test/api/v1/analytics/learner?timeRange=7d");
    expect(requests[0]!.headers.get("Authorization")).toBe("Bearer t0ken");
  });

  it("asks getToken before every request, sends none while it has none, and keeps an explicit Authorization", async () => {
    const { requests, fetch } = recordingFetch();
    let current: string | undefined;
    const client = createAnalyticsClient({ baseUrl: "https://api.test", getToken: async () => current, fetch });
    await client.POST("/api/v1/auth/login", { body: { email: "learner@acme.test", password: "demo-password" } });
    current = "first";
    await client.GET("/api/v1/auth/profile");
    current = "second";
    await client.GET("/api/v1/auth/profile");
    await client.GET("/api/v1/auth/profile", { headers: { Authorization: "Bearer mine" } });
    expect(requests.map((request) => request.headers.get("Authorization"))).toEqual([null, "Bearer first", "Bearer second", "Bearer mine"]);
  });

  it("is typed by the API's schemas: wrong paths, bodies and parameters do not compile (checked by tsc)", () => {
    const client = createAnalyticsClient({ baseUrl: "https://api.test", fetch: recordingFetch().fetch });
    // Never called: what matters is that tsc (npm run typecheck) rejects each line marked below.
    const calls = () => [
      // @ts-expect-error an unknown report format
      client.POST("/api/v1/reports/generate", { body: { type: "learner-progress", format: "docx" } }),
      // @ts-expect-error the report type is required
      client.POST("/api/v1/reports/generate", { body: { format: "pdf" } }),
      // @ts-expect-error login needs a password
      client.POST("/api/v1/auth/login", { body: { email: "learner@acme.test" } }),
      // @ts-expect-error an unknown time range
      client.GET("/api/v1/analytics/learner", { params: { query: { timeRange: "2w" } } }),
      // @ts-expect-error a path the API does not serve
      client.GET("/api/v1/analytics/everything"),
      // @ts-expect-error the report id is a required path parameter
      client.GET("/api/v1/reports/{id}/status"),
      // A correct call compiles.
      client.POST("/api/v1/reports/generate", { body: { type: "learner-progress", format: "pdf", timeRange: "30d" } }),
    ];
    expect(typeof calls).toBe("function");
  });
});
