import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../app-env";
import { onError } from "../errors/handlers";
import { bodyLimit, DRAIN_LIMIT_BYTES } from "./input";

const app = new Hono<AppEnv>();
app.onError(onError);
app.use(bodyLimit);
app.post("/echo", async (c) => c.text(await c.req.text()));
const env = { MAX_BODY_BYTES: 1024 } as AppEnv["Bindings"];

/** A streamed body (no Content-Length) of `total` bytes, or endless; counts what the server pulled. */
function streamed(chunkSize: number, total = Infinity) {
  const pulled = { bytes: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= total) return controller.close();
      pulled.bytes += chunkSize;
      controller.enqueue(new Uint8Array(chunkSize).fill(120));
    },
  });
  return { pulled, init: { method: "POST", body, duplex: "half" } as RequestInit };
}

describe("bodyLimit on a streamed body", () => {
  it("hands the route a body within the limit", async () => {
    const { init } = streamed(256, 1024);
    const response = await app.request("/echo", init, env);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("x".repeat(1024));
  });

  it("drains a refused body only up to DRAIN_LIMIT_BYTES, however much the client sends", async () => {
    const { pulled, init } = streamed(16 * 1024);
    const response = await app.request("/echo", init, env);
    expect(response.status).toBe(413);
    expect(pulled.bytes).toBeGreaterThan(DRAIN_LIMIT_BYTES);
    expect(pulled.bytes).toBeLessThanOrEqual(DRAIN_LIMIT_BYTES + 3 * 16 * 1024);
  });
});
