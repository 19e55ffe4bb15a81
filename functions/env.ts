import { z } from "zod";

const url = z.url({ protocol: /^https?$/ });
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// or postgresql:// URL");

/**
 * Every variable the Worker reads, validated once per isolate. The inferred type is the Worker's
 * `Bindings`, so code never reads an unvalidated variable.
 */
export const envSchema = z.object({
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
