import { randomBytes } from "node:crypto";
import { applyMigrations } from "../db/migrate";
import { SERVICES } from "../jobs/collect/contracts";
import { syntheticOrganization } from "./demo/synthetic";
import { startNeonHttp } from "./neon-http/server";
import { type PostgresHandle, startPostgres } from "./postgres";
import { startQStash } from "./qstash/server";
import { seedDemo, seedSynthetic } from "./seed";
import { localSigningKeys } from "./signing-keys";
import { startSimulator } from "./simulator/server";
import { type Logger, type StandIn, silent } from "./stand-in";
import type { UndeclaredKeys } from "./upstash-redis/scripts";
import { startUpstashRedis, type UpstashRedisStandIn } from "./upstash-redis/server";

export interface StackOptions {
  /** A postgres:// server to use instead of the embedded one. */
  databaseUrl?: string;
  /** A redis:// server to put behind the REST endpoint instead of a local one. */
  redisUrl?: string;
  /** Embedded Postgres files; a temporary folder for tests. */
  dataDir?: string;
  /** Keep the embedded Postgres files when stopping. */
  persistent?: boolean;
  /** Where the Worker will listen: QStash delivers job steps there. */
  workerUrl: string;
  /** Where to keep the JWT signing key between starts; a new key each start without. */
  signingKeysFile?: string;
  /** QStash's retry back-off base (the stand-in's default otherwise). */
  qstashRetryBaseDelayMs?: number;
  /** "quick" (default: base · 2^(n-1)) or "qstash" (QStash's own e^(2.5·n) s); see dev/qstash/backoff.ts. */
  qstashRetryBackoff?: "quick" | "qstash";
  /** Neon's request and response size limits; 10 MiB each, as Neon, unless set. */
  neonMaxRequestBytes?: number;
  neonMaxResponseBytes?: number;
  /** Scripts touching keys not in KEYS: "refuse" (default) or "allow" them when unflagged, as Upstash does. */
  redisUndeclaredKeys?: UndeclaredKeys;
  /** Also seed and simulate the synthetic organisation of this many learners (dev/demo/synthetic.ts), for scale runs. */
  scaleLearners?: number;
  /** Gets each stand-in's log entries, tagged with its name. */
  log?: Logger;
}

/** The variables the Worker needs to run against the stack, as written to `.dev.vars`. */
export type StackVars = Record<
  | "ENVIRONMENT"
  | "DATABASE_URL"
  | "DIRECT_DATABASE_URL"
  | "NEON_FETCH_ENDPOINT"
  | "UPSTASH_REDIS_REST_URL"
  | "UPSTASH_REDIS_REST_TOKEN"
  | "QSTASH_URL"
  | "QSTASH_TOKEN"
  | "QSTASH_CURRENT_SIGNING_KEY"
  | "QSTASH_NEXT_SIGNING_KEY"
  | "SIMULATOR_URL"
  | "JWT_SIGNING_KEYS"
  | "JOBS_BASE_URL"
  | "UPSTREAM_BASE_URL"
  | "WEBHOOK_SECRETS"
  | "REPORT_URL_KEYS",
  string
>;

export interface Stack {
  vars: StackVars;
  postgres: PostgresHandle;
  neonHttp: StandIn;
  redis: UpstashRedisStandIn;
  qstash: StandIn;
  simulator: StandIn;
  /** Stops every part, the last started first. */
  stop(): Promise<void>;
}

const secret = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;

/**
 * Starts the local stand-ins for the hosted services, migrates and seeds the database. Credentials
 * are fresh random values each start; nothing listens beyond 127.0.0.1.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? silent;
  const tagged =
    (standIn: string): Logger =>
    (entry) =>
      log({ standIn, ...entry });
  const started: { close(): Promise<void> }[] = [];
  const stop = async () => {
    for (const part of started.reverse()) await part.close();
  };
  try {
    const postgres = await startPostgres({ externalUrl: options.databaseUrl, dataDir: options.dataDir, persistent: options.persistent });
    started.push({ close: () => postgres.stop() });
    await applyMigrations(postgres.url);
    await seedDemo(postgres.url);
    const synthetic = options.scaleLearners === undefined ? undefined : syntheticOrganization(options.scaleLearners);
    if (synthetic) await seedSynthetic(postgres.url, synthetic);

    const redisToken = secret("");
    const qstashToken = secret("qstash_");
    const signingKeys = { currentSigningKey: secret("sig_"), nextSigningKey: secret("sig_") };
    const [neonHttp, redis, qstash, simulator] = await Promise.all([
      startNeonHttp({
        maxRequestBytes: options.neonMaxRequestBytes,
        maxResponseBytes: options.neonMaxResponseBytes,
        log: tagged("neon-http"),
      }),
      startUpstashRedis({
        token: redisToken,
        redisUrl: options.redisUrl,
        undeclaredKeys: options.redisUndeclaredKeys,
        log: tagged("upstash-redis"),
      }),
      startQStash({
        token: qstashToken,
        ...signingKeys,
        retryBackoff: options.qstashRetryBackoff,
        retryBaseDelayMs: options.qstashRetryBaseDelayMs,
        log: tagged("qstash"),
      }),
      startSimulator({ log: tagged("simulator"), extraRoster: synthetic }),
    ]);
    started.push(neonHttp, redis, qstash, simulator);

    const vars: StackVars = {
      ENVIRONMENT: "development",
      DATABASE_URL: postgres.url,
      DIRECT_DATABASE_URL: postgres.url,
      NEON_FETCH_ENDPOINT: `${neonHttp.url}/sql`,
      UPSTASH_REDIS_REST_URL: redis.url,
      UPSTASH_REDIS_REST_TOKEN: redisToken,
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN: qstashToken,
      QSTASH_CURRENT_SIGNING_KEY: signingKeys.currentSigningKey,
      QSTASH_NEXT_SIGNING_KEY: signingKeys.nextSigningKey,
      SIMULATOR_URL: simulator.url,
      JWT_SIGNING_KEYS: await localSigningKeys(options.signingKeysFile),
      JOBS_BASE_URL: options.workerUrl,
      UPSTREAM_BASE_URL: simulator.url,
      WEBHOOK_SECRETS: JSON.stringify(Object.fromEntries(SERVICES.map((service) => [service, secret(`whsec_${service}_`)]))),
      REPORT_URL_KEYS: JSON.stringify([{ kid: "local-1", secret: secret("") }]),
    };
    return { vars, postgres, neonHttp, redis, qstash, simulator, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
