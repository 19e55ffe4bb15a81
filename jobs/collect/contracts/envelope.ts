import { z } from "zod";

/**
 * Building blocks shared by the nine upstream contracts, and the envelope every service wraps its
 * `data` in. Objects are plain `z.object`s, which drop keys they do not know: services add fields
 * over time, and an addition must not stop collection.
 */

/** An identifier shared across services (people, organisations, courses, skills, …). */
export const id = z.uuid();

/** An instant, ISO 8601 with a zone (`Z` or an offset). */
export const timestamp = z.iso.datetime({ offset: true });

/** A calendar day, `YYYY-MM-DD`, in UTC. */
export const day = z.iso.date();

/** A count or another whole quantity that cannot be negative. */
export const count = z.number().int().nonnegative();

/** A share, a probability or a weight. */
export const unitInterval = z.number().min(0).max(1);

/** A human-readable label (title, name) of bounded size. */
export const label = z.string().min(1).max(500);

/** The three kinds of subject an analytics-data request can be scoped to. */
export const SCOPE_TYPES = ["user", "course", "organization"] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

/** The query parameter that selects each scope; a request carries exactly one of them. */
export const SCOPE_PARAMS = { user: "userId", course: "courseId", organization: "organizationId" } as const satisfies Record<
  ScopeType,
  string
>;

/** Path of the analytics endpoint, relative to a service's base URL. */
export const ANALYTICS_DATA_PATH = "/api/v1/analytics-data";

/** How far back a request without `from` reaches. */
export const DEFAULT_WINDOW_DAYS = 90;

export const scopeSchema = z.object({
  type: z.enum(SCOPE_TYPES),
  /** The user, course or organisation id the request named. */
  id,
});

/** The half-open interval `[from, to)` the data covers: events at or after `from` and before `to`. */
export const windowSchema = z
  .object({ from: timestamp, to: timestamp })
  .refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: "window.from must be before window.to", path: ["to"] });

/** The fields every service's answer carries around its `data`. */
export const envelopeSchema = z.object({
  /** The answering service's name, one of `SERVICES`. */
  service: z.string().min(1),
  /** The scope the request asked for, echoed. */
  scope: scopeSchema,
  /** When the service produced the data: the data reflect everything known up to this instant. */
  generatedAt: timestamp,
  window: windowSchema,
});

/** The envelope of one service: its name fixed, its `data` described by `data`. */
export function servicePayload<const S extends string, D extends z.ZodType>(service: S, data: D) {
  return envelopeSchema.extend({ service: z.literal(service), data });
}
