/** A structured log sink: one JSON object per event. */
export type Logger = (entry: Record<string, unknown>) => void;

/** A local stand-in for a hosted service, listening on 127.0.0.1. */
export interface StandIn {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Stops listening and releases everything the stand-in started. */
  close(): Promise<void>;
}

/** The default sink of a stand-in: silent, so test output stays readable. */
export const silent: Logger = () => {};
