import type { Env } from "../core/env";
import type { ProblemError } from "../core/errors/problem";
import type { Caller } from "./auth/access-token";
import type { Clients } from "./services/clients";

/** Per-request values set by middleware. */
export interface Variables {
  requestId: string;
  clients: Clients;
  /** Who the request's token says is calling (verified signature and claims), or null without a valid token. */
  credential: Caller | null;
  /** Why there is no caller (missing, malformed, invalid or revoked token), for a 401 if the route needs one. */
  authError?: ProblemError;
}

/** The Hono environment of the API: validated bindings and typed context variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: Variables;
}

/**
 * The environment of routes behind `requireRole`: the caller is established (a valid, unrevoked
 * token of an allowed role), so handlers read `c.get("caller")` without a null check.
 */
export interface AuthenticatedEnv extends AppEnv {
  Variables: Variables & { caller: Caller };
}
