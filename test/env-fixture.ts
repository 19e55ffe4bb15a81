/** A complete, valid production-style Worker environment (no real services behind it). */
export const productionEnv = {
  DATABASE_URL: "postgres://user:pass@db.example.com/analytics",
  UPSTASH_REDIS_REST_URL: "https://eu1-example.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "token",
  QSTASH_TOKEN: "qstash-token",
  QSTASH_CURRENT_SIGNING_KEY: "sig_current",
  QSTASH_NEXT_SIGNING_KEY: "sig_next",
  JOBS_BASE_URL: "https://analytics.example.com",
  REPORT_URL_KEYS: JSON.stringify([{ kid: "fixture", secret: "fixture-secret-of-at-least-32-characters" }]),
  UPSTREAM_BASE_URL: "https://platform.example.com",
  // A key made for these tests only; it signs nothing anywhere else.
  JWT_SIGNING_KEYS:
    '[{"kid":"fixture-key","kty":"EC","x":"G7BapyXzp8FXnKW425vO9t9SqmEu6iJWgeX1XBdqqG0","y":"bSWm1TRyjsJdOfpJRrWihlfhstTf87qHMbUF_Lqzxfo","crv":"P-256","d":"51l8EWCJ9qE0X19Dp25BpewADZr96mcMHG72KwMRgeI"}]',
};
