import type { Context, MiddlewareHandler } from "hono";
import { ProblemError } from "../../core/errors/problem";
import type { AuthenticatedEnv } from "../app-env";
import { type Caller, unauthorized } from "../auth/access-token";
import { ROLES, type Role } from "../auth/roles";
import { isRevoked } from "../services/revocation";
import { countsWithCacheRead } from "./rate-limit";

/** The request's credential if it names an allowed role, set as the route's caller; else the 401 or 403. */
function admit(c: Context<AuthenticatedEnv>, allowed: Set<string>): Caller {
  const caller = c.get("credential");
  if (!caller) throw c.get("authError") ?? new ProblemError(401, "unauthorized", "An access token is required.");
  if (!allowed.has(caller.role)) throw new ProblemError(403, "forbidden", `This route is for ${[...allowed].join(", ")} only.`);
  c.set("caller", caller);
  return caller;
}

const allowedRoles = (roles: Role[]) => new Set<string>(roles.length > 0 ? roles : ROLES);

/**
 * Lets the request through only for an authenticated caller with one of `roles` (all roles when
 * none are named) whose token is not revoked: no valid token → 401 (with the reason
 * `authenticate` found), another role (or one this API does not know) → 403.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AuthenticatedEnv> {
  const allowed = allowedRoles(roles);
  return async (c, next) => {
    const caller = admit(c, allowed);
    if (await isRevoked(c.get("clients"), caller, c.get("requestId"))) throw unauthorized("The access token has been revoked.");
    await next();
  };
}

/**
 * As `requireRole`, for routes whose cache read (`serveCached`) also checks revocation and counts
 * the request against the rate limit, all in the same Redis request: a cached answer costs one
 * REST round trip in all. The global limiter sees this middleware in the route's list and leaves
 * the count to the cache read. Such a route must reach `serveCached` or answer with an error.
 */
export function requireRoleRevocationInCacheRead(...roles: Role[]): MiddlewareHandler<AuthenticatedEnv> {
  const allowed = allowedRoles(roles);
  return countsWithCacheRead<MiddlewareHandler<AuthenticatedEnv>>(async (c, next) => {
    admit(c, allowed);
    await next();
  });
}
