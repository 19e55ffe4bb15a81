/** A complete, valid production-style Worker environment (no real services behind it). */
export const productionEnv = {
  DATABASE_URL: "postgres://user:pass@db.example.com/analytics",
  UPSTASH_REDIS_REST_URL: "https://eu1-example.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "token",
  QSTASH_TOKEN: "qstash-token",
  QSTASH_CURRENT_SIGNING_KEY: "sig_current",
  QSTASH_NEXT_SIGNING_KEY: "sig_next",
};
