import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "./ports";

const ephemeralLow = (() => {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
  } catch {
    return null;
  }
})();

describe("freePort", () => {
  it("gives a port a server can then bind, below the range outgoing connections take their ports from", async () => {
    const port = await freePort();
    if (ephemeralLow) expect(port).toBeLessThan(ephemeralLow);
    expect(port).toBeGreaterThanOrEqual(1024);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.on("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it("gives different ports to callers in a row", async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBeGreaterThan(15);
  });
});
