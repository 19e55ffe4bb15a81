import type { Env } from "./env";
import type { Clients } from "./services/clients";

/** Per-request values set by middleware. */
export interface Variables {
  requestId: string;
  clients: Clients;
}

/** The Hono environment of the API: validated bindings and typed context variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: Variables;
}
