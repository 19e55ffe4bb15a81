import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../harness";

/** How long a request may go unanswered before the connection counts as stalled (well inside the test timeout). */
const STALL_MS = 20_000;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ MAX_BODY_BYTES: "1024", RATE_LIMIT_ANONYMOUS: "100000" });
});

afterAll(async () => {
  await api?.stop();
});

interface Answer {
  status: number;
  body: string;
  reusedSocket: boolean;
}

/** One request through `agent`; a chunked body is written in `chunks` pieces with no Content-Length. */
function send(agent: Agent, method: string, path: string, chunks: string[] = []): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, api.worker.url),
      { method, agent, headers: chunks.length ? { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } : {} },
      (response) => {
        let body = "";
        response
          .setEncoding("utf8")
          .on("data", (chunk: string) => (body += chunk))
          .on("end", () => resolve({ status: response.statusCode!, body, reusedSocket: req.reusedSocket }));
      },
    );
    req.on("error", reject);
    // A stalled connection never answers; the bound is generous so a busy machine is not mistaken for one.
    req.setTimeout(STALL_MS, () => req.destroy(new Error(`no answer to ${method} ${path} in ${STALL_MS} ms`)));
    // The server may answer (and stop reading) before the whole body is written.
    req.on("socket", (socket) => socket.on("error", () => {}));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("a chunked body on a keep-alive connection", () => {
  it("within the limit reaches the route, and the connection carries the next request", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const login = await send(agent, "POST", "/api/v1/auth/login", ['{"email":"learner@acme.test",', '"password":"wrong-password"}']);
      expect(login.status).toBe(401);
      expect(await send(agent, "GET", "/api/v1/health/live")).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });

  it("over MAX_BODY_BYTES gets its 413, and the next request on the same connection is answered", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const oversized = await send(
        agent,
        "POST",
        "/api/v1/auth/login",
        Array.from({ length: 8 }, () => "x".repeat(512)),
      );
      expect(oversized.status).toBe(413);
      expect(JSON.parse(oversized.body)).toMatchObject({ type: "/problems/body-too-large" });
      const next = await send(agent, "GET", "/api/v1/health/live");
      expect(next).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });
});
