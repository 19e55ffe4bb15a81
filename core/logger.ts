export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * Writes one JSON object per line. Workers ship console output to their log pipeline as is, so
 * a flat JSON line is what every log tool can filter on.
 */
export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/**
 * drizzle's "Failed query" errors append every bound parameter (`\nparams: …`): learners'
 * payloads, personal data that must not reach the log pipeline (and megabytes of it for one batch).
 */
const withoutParameters = (message: string) => {
  const at = message.indexOf("\nparams: ");
  return at < 0 ? message : `${message.slice(0, at)}\nparams: [${message.length - at - 9} characters left out]`;
};

/** The longest stack or message logged: a statement's text can be long, the log line stays readable. */
const MAX_LOGGED_CHARS = 4_000;
const capped = (text: string | undefined) => (text && text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}…` : text);

/** The parts of an unknown thrown value worth logging (server side only, never to clients), without query parameters. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return {
      error: error.name,
      errorMessage: capped(withoutParameters(error.message)),
      stack: capped(error.stack && withoutParameters(error.stack)),
    };
  }
  return { error: capped(String(error)) };
}
