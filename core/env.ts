import { z } from "zod";

const url = z.url({ protocol: /^https?$/ });
const positiveInt = (fallback: number, max = 1_000_000) => z.coerce.number().int().min(1).max(max).default(fallback);

/** An ES256 private key as a JWK; the `kid` names it in token headers and in the JWKS. */
const signingJwk = z.object({
  kid: z.string().min(1),
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  x: z.string().min(1),
  y: z.string().min(1),
  d: z.string().min(1),
});

/** Text that must parse as JSON; `message` says what it should hold. */
const jsonText = (message: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
  });

/** A JSON array of private JWKs: the first signs, all verify (several are active during rotation). */
const signingKeys = jsonText("must be a JSON array of ES256 private JWKs")
  .pipe(z.array(signingJwk).min(1, "must hold at least one key"))
  .refine((keys) => new Set(keys.map((key) => key.kid)).size === keys.length, "every key needs its own kid");

/** A JSON object of strings, each checked by `value`. */
const jsonRecord = <T extends z.ZodType<string>>(value: T) => jsonText("must be a JSON object").pipe(z.record(z.string(), value));

/** `@upstash/ratelimit` window syntax, e.g. "15 m", "900 s". */
const window = z.string().regex(/^\d+ ?(ms|s|m|h|d)$/, 'must look like "15 m" or "900 s"');

const origins = z
  .string()
  .default("")
  .transform((text) =>
    text
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/ })));
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// or postgresql:// URL");

/**
 * Every variable the Worker reads, validated once per isolate. The inferred type is the Worker's
 * `Bindings`, so code never reads an unvalidated variable.
 */
export const envSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
    APP_VERSION: z.string().min(1).default("0.0.0"),
    BUILD_ID: z.string().min(1).default("unknown"),
    DATABASE_URL: postgresUrl,
    /** Where the Neon HTTP driver sends queries; unset in production (the driver derives it from DATABASE_URL). */
    NEON_FETCH_ENDPOINT: url.optional(),
    UPSTASH_REDIS_REST_URL: url,
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
    QSTASH_URL: url.default("https://qstash.upstash.io"),
    QSTASH_TOKEN: z.string().min(1),
    QSTASH_CURRENT_SIGNING_KEY: z.string().min(1),
    QSTASH_NEXT_SIGNING_KEY: z.string().min(1),
    HEALTH_CHECK_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(2_000),
    /** The deadline of every Redis REST call (both attempts): past it the call fails and its caller degrades. */
    REDIS_TIMEOUT_MS: z.coerce.number().int().min(20).max(10_000).default(500),

    JWT_SIGNING_KEYS: signingKeys,
    JWT_ISSUER: z.string().min(1).default("learning-analytics-api"),
    JWT_AUDIENCE: z.string().min(1).default("learning-analytics-api"),
    /** Access tokens live at most 15 minutes. */
    ACCESS_TOKEN_TTL_SECONDS: positiveInt(900, 900),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600, 90 * 24 * 3600),
    SERVICE_TOKEN_TTL_SECONDS: positiveInt(60, 300),

    /** Tokens of the platform's auth service: a JWKS URL or a public key (JWK JSON or SPKI PEM). */
    EXTERNAL_JWT_JWKS_URL: url.optional(),
    EXTERNAL_JWT_PUBLIC_KEY: z.string().min(1).optional(),
    EXTERNAL_JWT_ALGORITHM: z.enum(["ES256", "ES384", "RS256", "PS256", "EdDSA"]).optional(),
    EXTERNAL_JWT_ISSUER: z.string().min(1).optional(),
    EXTERNAL_JWT_AUDIENCE: z.string().min(1).optional(),

    RATE_LIMIT_LEARNER: positiveInt(100),
    RATE_LIMIT_TRAINER: positiveInt(200),
    RATE_LIMIT_ORG_ADMIN: positiveInt(500),
    RATE_LIMIT_ANONYMOUS: positiveInt(50),
    /** Requests that reach the Worker without CF-Connecting-IP share this strict bucket. */
    RATE_LIMIT_NO_ADDRESS: positiveInt(10),
    RATE_LIMIT_WINDOW: window.default("15 m"),
    /** Failed sign-ins per client address in a window (one address spraying many accounts). */
    LOGIN_FAILURE_LIMIT_ADDRESS: positiveInt(30),
    /** Failed sign-ins per (account, address): guessing from one place stops here, the owner elsewhere is unaffected. */
    LOGIN_FAILURE_LIMIT_PAIR: positiveInt(5),
    /** Failed sign-ins per account from all addresses: past this the account is under broad attack and refuses everyone. */
    LOGIN_FAILURE_LIMIT_ACCOUNT: positiveInt(100),
    /** Signed webhook deliveries per service in a window. */
    WEBHOOK_RATE_LIMIT: positiveInt(600),
    /** Report generation requests per user in a window. */
    REPORT_RATE_LIMIT: positiveInt(20),
    /** Analytics refresh requests (runs queued on demand) per user in a window. */
    REFRESH_RATE_LIMIT: positiveInt(20),
    /** Past this the limiter lets the request through rather than slow the API down. */
    RATE_LIMIT_TIMEOUT_MS: z.coerce.number().int().min(50).max(5_000).default(500),

    MAX_BODY_BYTES: positiveInt(64 * 1024, 10 * 1024 * 1024),

    /** This Worker's public base URL: QStash delivers job steps to `${JOBS_BASE_URL}/jobs/<step>`. */
    JOBS_BASE_URL: url,
    /** Upstream services answer at `${UPSTREAM_BASE_URL}/<service>` unless UPSTREAM_URLS names another base. */
    UPSTREAM_BASE_URL: url,
    UPSTREAM_URLS: jsonRecord(url).default({}),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
    /** Consecutive failures that open a source's circuit, and how long it then stays open. */
    CIRCUIT_FAILURE_THRESHOLD: positiveInt(5, 100),
    CIRCUIT_OPEN_SECONDS: positiveInt(60, 3_600),
    /** Learners per collect/analyze step: bounds each step's subrequests (9 per learner) and CPU. */
    PIPELINE_BATCH_SIZE: positiveInt(10, 100),
    /**
     * Steps of one organisation's run that QStash delivers at once (flow control keyed by the
     * organisation): bounds the database sessions and upstream load a run of any size causes.
     */
    PIPELINE_PARALLELISM: positiveInt(8, 100),
    /** Upstream calls a collect step has in flight at once; a Worker has 6 connections, the rest would queue. */
    UPSTREAM_CONCURRENCY: positiveInt(6, 6),
    /**
     * Development and tests only (the hosted platform enforces its own): each invocation's outbound
     * requests are counted and the next past LOCAL_SUBREQUEST_LIMIT throws, as in production, and at
     * most LOCAL_CONNECTION_LIMIT are in flight at once (the rest wait). "off" disables both.
     */
    LOCAL_PLATFORM_LIMITS: z.enum(["enforce", "off"]).default("enforce"),
    LOCAL_SUBREQUEST_LIMIT: positiveInt(1_000, 100_000),
    LOCAL_CONNECTION_LIMIT: positiveInt(6, 1_000),
    /** Refresh requests and webhook pings for one scope within this many seconds join one run. */
    REFRESH_DEBOUNCE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
    /**
     * A queued run whose plan step has not begun this long after the debounce is expired (its
     * start message was lost) by the next request for its scope, which then queues a new run, or
     * by the hourly clean-up's sweep of every scope.
     */
    RUN_START_GRACE_SECONDS: positiveInt(120, 86_400),
    /**
     * A run none of whose steps began or ended for this long is expired by the next request for
     * its scope or by the hourly clean-up's sweep. Above QStash's longest silence while a step is merely retrying: its back-off
     * waits e^(2.5·n) s, so 12 s, 2 min 28 s and 30 min 8 s for our 3 retries (about 33 min).
     */
    RUN_STALL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
    /**
     * Per-service webhook secrets, JSON `{ "assessment": "…", … }`, read into a Map: a service name
     * from a request must find only a configured secret, never an inherited `Object.prototype` member.
     */
    WEBHOOK_SECRETS: jsonRecord(z.string().min(16))
      .default({})
      .transform((secrets) => new Map(Object.entries(secrets))),
    /**
     * Runs one webhook delivery may queue per organisation: a delivery naming more learners and
     * courses of one organisation than this queues (or joins) that organisation's run instead.
     */
    WEBHOOK_MAX_RUNS: positiveInt(20, 1_000),

    /** Keys for report download URLs, JSON `[{ "kid": "…", "secret": "…" }]`: the first signs, all verify. */
    REPORT_URL_KEYS: jsonText("must be a JSON array of { kid, secret }").pipe(
      z.array(z.object({ kid: z.string().regex(/^[\w.-]{1,64}$/), secret: z.string().min(32) })).min(1, "must hold at least one key"),
    ),
    /** How long a download URL works (capped at 24 h). */
    REPORT_URL_TTL_SECONDS: positiveInt(900, 86_400),
    /** Reports are deleted this many days after they are ready. */
    REPORT_RETENTION_DAYS: positiveInt(30, 3_650),
    /** An identical request (same requester, type, format, scope, range) within this many seconds of a ready report gets that report; 0: never. */
    REPORT_REUSE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
    /** Reports one user may hold (queued, rendering or ready, not expired); a request that would create one more answers 409. */
    REPORT_MAX_STORED_PER_USER: positiveInt(50, 10_000),
    /**
     * Largest report file stored. A Worker has 128 MB and renders in memory; a bigger report fails
     * with a reason that says so (narrow the scope or the range) rather than exhaust the isolate.
     */
    REPORT_MAX_BYTES: positiveInt(16 * 1024 * 1024, 64 * 1024 * 1024),
    /**
     * Bytes per stored piece of a report file, one SQL-over-HTTP statement each (sent as hex,
     * twice the size, under Neon's 10 MiB per message). Small values are for tests: a file is never
     * cut in more than 256 pieces whatever this says (see `chunkBytesFor`).
     */
    REPORT_CHUNK_BYTES: positiveInt(1024 * 1024, 4 * 1024 * 1024),
    /**
     * This API's public base URL for links it hands out (report download URLs), never the request's
     * Host header, which a client controls. Unset: JOBS_BASE_URL (see `publicBaseUrl`).
     */
    PUBLIC_BASE_URL: url.optional(),
    /** Comma-separated dashboard origins allowed by CORS; none by default. */
    CORS_ORIGINS: origins,
    /** The reference dashboard at `/`: "true" or "false"; unset, it is on in development only. */
    DASHBOARD_ENABLED: z.enum(["true", "false"]).optional(),
    /** Workers static assets (wrangler.toml `[assets]`), through which the Worker serves the dashboard's files. */
    ASSETS: z.custom<Fetcher>((value) => typeof (value as Fetcher | undefined)?.fetch === "function").optional(),
  })
  .superRefine((env, ctx) => {
    const external = [env.EXTERNAL_JWT_JWKS_URL, env.EXTERNAL_JWT_PUBLIC_KEY].filter(Boolean).length;
    if (external === 0) return;
    if (external > 1)
      ctx.addIssue({ code: "custom", path: ["EXTERNAL_JWT_PUBLIC_KEY"], message: "set a JWKS URL or a public key, not both" });
    for (const name of ["EXTERNAL_JWT_ALGORITHM", "EXTERNAL_JWT_ISSUER", "EXTERNAL_JWT_AUDIENCE"] as const) {
      if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when external tokens are configured" });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** The outcome of validating the raw environment: a typed env, or every problem at once. */
export type EnvResult = { ok: true; env: Env } | { ok: false; problems: string[] };

const parsed = new WeakMap<object, EnvResult>();

/**
 * Validates the raw Worker environment. Workers hand the same env object to every request of an
 * isolate, so the result is memoised on it and the schema runs once.
 */
export function loadEnv(raw: object): EnvResult {
  const cached = parsed.get(raw);
  if (cached) return cached;
  const result = envSchema.safeParse(raw, { error: (issue) => (issue.input === undefined ? "is missing" : undefined) });
  const outcome: EnvResult = result.success
    ? { ok: true, env: result.data }
    : { ok: false, problems: result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) };
  parsed.set(raw, outcome);
  return outcome;
}
