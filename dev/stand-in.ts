import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A structured log sink: one JSON object per event. */
export type Logger = (entry: Record<string, unknown>) => void;

/** A local stand-in for a hosted service, listening on 127.0.0.1. */
export interface StandIn {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Stops listening and releases everything the stand-in started. */
  close(): Promise<void>;
}

/** The default sink of a stand-in: silent, so test output stays readable. */
export const silent: Logger = () => {};

/**
 * Starts `server` listening on 127.0.0.1 (port 0: a free one) and resolves with its base URL.
 * Loopback only: the stand-ins carry credentials and must never be reachable from elsewhere.
 */
export function listenOnLoopback(server: Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}
