import { type NeonQueryFunction, neon, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import * as schema from "./schema";

/** drizzle over Neon's HTTP driver, plus the raw driver for statements drizzle does not model. */
export interface Database {
  orm: NeonHttpDatabase<typeof schema>;
  sql: NeonQueryFunction<false, false>;
}

/**
 * Opens the database over HTTP. `fetchEndpoint` points the driver at a Neon-compatible endpoint
 * other than the one it derives from the URL's host (the local stand-in); production leaves it unset.
 */
export function createDatabase(databaseUrl: string, fetchEndpoint?: string): Database {
  if (fetchEndpoint) neonConfig.fetchEndpoint = () => fetchEndpoint;
  const sql = neon(databaseUrl);
  return { orm: drizzle({ client: sql, schema }), sql };
}
