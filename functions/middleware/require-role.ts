import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { ROLES, type Role } from "../auth/roles";
import { ProblemError } from "../errors/problem";

/**
 * Lets the request through only for an authenticated caller with one of `roles`: no valid token
 * → 401 (with the reason `authenticate` found), another role (or one this API does not know) → 403.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set<string>(roles.length > 0 ? roles : ROLES);
  return async (c, next) => {
    const caller = c.get("caller");
    if (!caller) throw c.get("authError") ?? new ProblemError(401, "unauthorized", "An access token is required.");
    if (!allowed.has(caller.role)) {
      throw new ProblemError(403, "forbidden", `This route is for ${[...allowed].join(", ")} only.`);
    }
    await next();
  };
}
