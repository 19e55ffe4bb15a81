import pg from "pg";
import { createDatabase, type Database } from "../db/client";
import { applyMigrations } from "../db/migrate";
import { type NeonHttpOptions, startNeonHttp } from "../dev/neon-http/server";
import { startTestPostgres } from "./postgres";

export interface TestDatabase {
  /** The project's own client, through the Neon HTTP stand-in: what the queries under test use. */
  db: Database;
  /** A direct connection, for setting up rows and reading them back. */
  client: pg.Client;
  stop(): Promise<void>;
}

/**
 * A migrated throw-away Postgres for one test file, reached as the Worker reaches it (drizzle over
 * the Neon HTTP stand-in, with that stand-in's limits, which `neon` may tighten) and directly.
 */
export async function startTestDatabase(neon: NeonHttpOptions = {}): Promise<TestDatabase> {
  const postgres = await startTestPostgres();
  try {
    await applyMigrations(postgres.url);
    const neonHttp = await startNeonHttp(neon);
    const client = new pg.Client(postgres.url);
    await client.connect();
    return {
      db: createDatabase(postgres.url, `${neonHttp.url}/sql`),
      client,
      stop: async () => {
        await client.end();
        await neonHttp.close();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
