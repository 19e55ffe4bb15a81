import type { Env } from "../../core/env";

/**
 * A dashboard served from the developer's own machine: `http` or `https`, a loopback host as
 * browsers serialise it (`localhost`, `127.0.0.1`, `[::1]`), any port or none, nothing else. The
 * whole origin must match, so `http://localhost.evil.com` and `http://127.0.0.1.nip.io` (other
 * hosts that merely start alike) do not. `https` counts too: the scheme changes nothing about who
 * runs the page, and dashboards run on HTTPS dev servers as well (mkcert, Vite's basic SSL).
 */
const LOOPBACK_ORIGIN = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::([1-9]\d{0,4}))?$/;

const isLoopbackOrigin = (origin: string): boolean => {
  const match = LOOPBACK_ORIGIN.exec(origin);
  return match !== null && (match[1] === undefined || Number(match[1]) <= 65_535);
};

/**
 * The origin CORS may echo back, or null to refuse it: an exact entry of `CORS_ORIGINS` anywhere,
 * and in development also any loopback origin, so a dashboard on `npm run dev`'s machine works
 * without configuration. Test and production allow the configured list only.
 */
export function allowedCorsOrigin(
  origin: string,
  env: { ENVIRONMENT: Env["ENVIRONMENT"]; CORS_ORIGINS: readonly string[] },
): string | null {
  if (env.CORS_ORIGINS.includes(origin)) return origin;
  return env.ENVIRONMENT === "development" && isLoopbackOrigin(origin) ? origin : null;
}
