import { z } from "zod";
import { SERVICES, type ServiceName } from "../../jobs/collect/contracts";

/**
 * How each simulated service misbehaves, set over HTTP by tests and by whoever runs the local
 * stack: `error` answers 503, `timeout` never answers, and `latencyMs` delays every answer.
 */

export const faultSchema = z.strictObject({
  mode: z.enum(["ok", "error", "timeout"]),
  latencyMs: z.number().int().min(0).max(600_000).default(0),
});

export type Fault = z.infer<typeof faultSchema>;

const HEALTHY: Fault = { mode: "ok", latencyMs: 0 };

export interface FaultBoard {
  get(service: ServiceName): Fault;
  set(service: ServiceName, fault: Fault): void;
  /** Every service back to healthy. */
  reset(): void;
  list(): Record<ServiceName, Fault>;
}

export function createFaultBoard(): FaultBoard {
  const faults = new Map<ServiceName, Fault>();
  return {
    get: (service) => faults.get(service) ?? HEALTHY,
    set: (service, fault) => void faults.set(service, fault),
    reset: () => faults.clear(),
    list: () => Object.fromEntries(SERVICES.map((s) => [s, faults.get(s) ?? HEALTHY])) as Record<ServiceName, Fault>,
  };
}
