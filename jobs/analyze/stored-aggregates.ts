import { storedRangeFor, type TimeRange } from "../../core/domain/time-range";

/** A group's figures: numbers, or a histogram (list of counts) for course score distributions. */
export type GroupFigures = Record<string, number | number[] | null>;

/**
 * The figures of one layer-3 row for a requested range: the aggregate step stores one set per
 * stored range (`{ learners, ranges: { "7d": …, "30d": …, "90d": … } }`); `1y` reads `90d`, the
 * longest personal data reaches. Rows written before ranges were stored hold one set: it is used as is.
 */
export function groupFigures(metrics: unknown, range: TimeRange): GroupFigures {
  const stored = metrics as { ranges?: Record<string, GroupFigures> } & GroupFigures;
  return stored.ranges?.[storedRangeFor(range)] ?? stored;
}
