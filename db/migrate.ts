import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

/**
 * Applies the committed drizzle-kit migrations over a direct connection. drizzle records each
 * applied migration's hash in `drizzle.__drizzle_migrations`, so running it again is a no-op.
 */
export async function applyMigrations(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Concurrent migrators (two dev stacks, parallel test files) would race on the same tables.
    await client.query("select pg_advisory_lock(727274)");
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // After `npm run dev`, .dev.vars names the local database; variables already set win.
  if (!process.env.DIRECT_DATABASE_URL && existsSync(".dev.vars")) process.loadEnvFile(".dev.vars");
  const url = process.env.DIRECT_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    console.error("Set DIRECT_DATABASE_URL (or DATABASE_URL) to a postgres:// URL, or start `npm run dev` first.");
    process.exit(2);
  }
  await applyMigrations(url);
  console.log("migrations applied");
}
