import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** Binds `port` on 127.0.0.1 (0: any) and releases it; resolves the port bound, or null when it was taken. */
function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.on("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * The ports the kernel hands to outgoing connections (Linux `ip_local_port_range`), or null
 * where that is unknown.
 */
function ephemeralRange(): [number, number] | null {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    return low && high ? [low, high] : null;
  } catch {
    return null;
  }
}

/** How many ports below the ephemeral range a free port is drawn from. */
const SPAN = 10_000;

/**
 * A free TCP port on 127.0.0.1 for a server that binds it a moment later (embedded Postgres,
 * redis-server, workerd). It is drawn below the kernel's ephemeral range: a port from that range,
 * released and bound again later, can meanwhile become the local port of one of the many
 * outgoing connections a test makes, and the server then fails to start. Falls back to a port
 * the kernel chooses where the range is unknown or nothing below it is free.
 */
export async function freePort(): Promise<number> {
  const range = ephemeralRange();
  if (range) {
    const high = range[0] - 1;
    const low = Math.max(1024, high - SPAN);
    for (let attempt = 0; attempt < 50 && high > low; attempt += 1) {
      const port = await tryPort(low + Math.floor(Math.random() * (high - low)));
      if (port !== null) return port;
    }
  }
  const port = await tryPort(0);
  if (port === null) throw new Error("no free TCP port on 127.0.0.1");
  return port;
}
