import type { Caller } from "./auth/access-token";
import type { Env } from "../core/env";
import type { ProblemError } from "../core/errors/problem";
import type { Clients } from "./services/clients";

/** Per-request values set by middleware. */
export interface Variables {
  requestId: string;
  clients: Clients;
  /** The verified caller, or null when the request carries no valid token. */
  caller: Caller | null;
  /** Why there is no caller (missing, malformed, invalid or revoked token), for a 401 if the route needs one. */
  authError?: ProblemError;
}

/** The Hono environment of the API: validated bindings and typed context variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: Variables;
}
