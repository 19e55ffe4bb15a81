import { z } from "zod";
import { DEFAULT_WINDOW_DAYS, SCOPE_PARAMS, SCOPE_TYPES, type ScopeType } from "../../jobs/collect/contracts";
import { DAY_MS, startOfDay } from "./calendar";

/** What an analytics-data request asks for, once its query string is checked. */
export interface AnalyticsQuery {
  scope: { type: ScopeType; id: string };
  /** Half-open `[from, to)`, epoch milliseconds. */
  window: { from: number; to: number };
}

export type ParsedQuery = { ok: true; query: AnalyticsQuery } | { ok: false; error: string };

const MAX_WINDOW_DAYS = 366;
const uuid = z.uuid();
const dateOnly = z.iso.date();
const dateTime = z.iso.datetime({ offset: true });

/**
 * A `from`/`to` bound: a datetime is taken as is; a date means that day's start for `from` and,
 * so that `from=2026-10-01&to=2026-10-31` covers October, the next day's start for `to`.
 */
function bound(value: string, end: boolean): number | null {
  if (dateOnly.safeParse(value).success) return Date.parse(`${value}T00:00:00Z`) + (end ? DAY_MS : 0);
  if (dateTime.safeParse(value).success) return Date.parse(value);
  return null;
}

/** Reads the scope and window of `GET /api/v1/analytics-data`; `today` is the current UTC midnight. */
export function parseAnalyticsQuery(params: URLSearchParams, today: number): ParsedQuery {
  const present = SCOPE_TYPES.filter((type) => params.has(SCOPE_PARAMS[type]));
  if (present.length !== 1) {
    return { ok: false, error: `exactly one of ${SCOPE_TYPES.map((t) => SCOPE_PARAMS[t]).join(", ")} is required` };
  }
  const type = present[0]!;
  const values = params.getAll(SCOPE_PARAMS[type]);
  if (values.length !== 1) return { ok: false, error: `${SCOPE_PARAMS[type]} must be given once` };
  const id = values[0]!;
  if (!uuid.safeParse(id).success) return { ok: false, error: `${SCOPE_PARAMS[type]} must be a UUID` };

  let from: number | null = null;
  let to: number | null = null;
  for (const [name, end] of [
    ["from", false],
    ["to", true],
  ] as const) {
    const given = params.getAll(name);
    if (given.length > 1) return { ok: false, error: `${name} must be given at most once` };
    if (given.length === 0) continue;
    const parsed = bound(given[0]!, end);
    if (parsed === null) return { ok: false, error: `${name} must be an ISO date or datetime` };
    if (end) to = parsed;
    else from = parsed;
  }
  const windowEnd = to ?? startOfDay(today);
  const windowStart = from ?? windowEnd - DEFAULT_WINDOW_DAYS * DAY_MS;
  if (windowStart >= windowEnd) return { ok: false, error: "from must be before to" };
  if (windowEnd - windowStart > MAX_WINDOW_DAYS * DAY_MS) return { ok: false, error: `the window is limited to ${MAX_WINDOW_DAYS} days` };
  return { ok: true, query: { scope: { type, id: id.toLowerCase() }, window: { from: windowStart, to: windowEnd } } };
}
