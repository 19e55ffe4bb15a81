import pg from "pg";

/** One statement of a request body, with the row shape the response must use. */
export interface Statement {
  query: string;
  params: unknown[];
  arrayMode: boolean;
}

export interface TransactionOptions {
  /** SQL spelling, e.g. "REPEATABLE READ"; the server default when absent. */
  isolationLevel?: string;
  readOnly: boolean;
  deferrable: boolean;
}

/** The JSON Neon returns for one statement. */
export interface StatementResult {
  rowAsArray: boolean;
  fields: Field[];
  rows: unknown[];
  command: string;
  rowCount: number | null;
}

interface Field {
  name: string;
  dataTypeID: number;
  tableID: number;
  columnID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
  format: "text";
}

// The driver parses every value itself, choosing the parser by `dataTypeID`, so rows must carry
// Postgres's own text output (bytea as \x..., arrays as {...}), untouched by pg's parsers.
const rawText = { getTypeParser: () => (value: string) => value };

/** Neon's refusal of a response over its size limit (HTTP 507, see server.ts). */
export class ResponseTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`response is too large (max is ${limit} bytes)`);
  }
}

/** Runs statements against the databases that requests name, one pool per connection string. */
export class Executor {
  private readonly pools = new Map<string, pg.Pool>();

  constructor(
    private readonly onIdleError: (error: Error) => void,
    /** Neon counts the rows it converts to JSON against this and stops at once when they exceed it. */
    private readonly maxResponseBytes: number,
  ) {}

  run(connectionString: string, statement: Statement): Promise<StatementResult> {
    return this.withClient(connectionString, async (client) => {
      const result = await execute(client, statement);
      this.withinLimit(jsonBytes(result));
      return result;
    });
  }

  /**
   * Runs a batch as one transaction, committed only if every statement succeeds and the results
   * fit the response limit: Neon meets the limit while reading rows, so an oversized batch is
   * rolled back like a failed one.
   */
  runTransaction(connectionString: string, statements: Statement[], options: TransactionOptions): Promise<StatementResult[]> {
    return this.withClient(connectionString, async (client) => {
      await client.query(beginStatement(options));
      try {
        const results: StatementResult[] = [];
        let bytes = 0;
        for (const statement of statements) {
          const result = await execute(client, statement);
          bytes += jsonBytes(result);
          this.withinLimit(bytes);
          results.push(result);
        }
        await client.query("COMMIT");
        return results;
      } catch (error) {
        // The statement's error is the one to report; if ROLLBACK fails too, withClient discards the connection.
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    });
  }

  private withinLimit(bytes: number): void {
    if (bytes > this.maxResponseBytes) throw new ResponseTooLarge(this.maxResponseBytes);
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.end()));
  }

  private async withClient<T>(connectionString: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool(connectionString).connect();
    let failed = true;
    try {
      const result = await work(client);
      failed = false;
      return result;
    } finally {
      // As Neon does: a connection that failed, or that a lone BEGIN left inside a transaction,
      // must not serve the next request.
      client.release(failed || client.getTransactionStatus() !== "I");
    }
  }

  private pool(connectionString: string): pg.Pool {
    let pool = this.pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({ connectionString, types: rawText });
      // Without a listener, an idle connection dropped by the server (e.g. Postgres stopping
      // before this stand-in) would crash the process.
      pool.on("error", this.onIdleError);
      this.pools.set(connectionString, pool);
    }
    return pool;
  }
}

async function execute(client: pg.PoolClient, statement: Statement): Promise<StatementResult> {
  // Neon runs every statement through the extended protocol, which rejects several statements in
  // one string (42601); pg would use the simple protocol for a query without parameters and accept them.
  const config: pg.QueryArrayConfig & { queryMode: "extended" } = {
    text: statement.query,
    values: statement.params,
    rowMode: "array",
    queryMode: "extended",
  };
  const result = await client.query(config);
  const fields = result.fields.map(
    (field): Field => ({
      name: field.name,
      dataTypeID: field.dataTypeID,
      tableID: field.tableID,
      columnID: field.columnID,
      dataTypeSize: field.dataTypeSize,
      dataTypeModifier: field.dataTypeModifier,
      format: "text",
    }),
  );
  const rows = statement.arrayMode
    ? result.rows
    : result.rows.map((row) => Object.fromEntries(row.map((value, i) => [fields[i]!.name, value])));
  return { rowAsArray: statement.arrayMode, fields, rows, command: result.command, rowCount: result.rowCount };
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

function beginStatement({ isolationLevel, readOnly, deferrable }: TransactionOptions): string {
  const modes = [isolationLevel && `ISOLATION LEVEL ${isolationLevel}`, readOnly && "READ ONLY", deferrable && "DEFERRABLE"].filter(
    Boolean,
  );
  return `BEGIN ${modes.join(", ")}`.trimEnd();
}

const ERROR_FIELDS = [
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "severity",
  "where",
  "table",
  "column",
  "schema",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

/**
 * Neon's error body: every field present, null when unknown, and `code` empty unless Postgres sent
 * one. The driver copies these fields onto the NeonDbError it throws.
 */
export function errorBody(message: string, error?: pg.DatabaseError): Record<string, string | null> {
  const body: Record<string, string | null> = { message };
  for (const field of ERROR_FIELDS) body[field] = error?.[field] ?? null;
  body.code ??= "";
  return body;
}
