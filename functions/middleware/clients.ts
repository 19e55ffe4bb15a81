import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { getClients } from "../services/clients";

/** Puts this isolate's database and Redis clients on the context for the handlers. */
export const clients: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("clients", getClients(c.env));
  await next();
};
