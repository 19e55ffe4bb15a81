import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PostgresHandle, startPostgres } from "../dev/postgres";

/** A throw-away embedded Postgres for one test file; its files are deleted on stop. */
export async function startTestPostgres(): Promise<PostgresHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), "analytics-pg-"));
  const postgres = await startPostgres({ dataDir, persistent: false });
  return {
    ...postgres,
    stop: async () => {
      await postgres.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
