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

/** The parts of an unknown thrown value worth logging (server side only, never to clients). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { error: error.name, errorMessage: error.message, stack: error.stack };
  return { error: String(error) };
}
