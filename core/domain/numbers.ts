/**
 * The API's rounding policy, applied once where figures leave the system (response bodies,
 * report files): probabilities and shares to 4 decimals, scores, rates and averages to 2, so
 * no body carries binary noise such as 0.30000000000000004.
 */
export const DECIMALS = { probability: 4, share: 4, score: 2, rate: 2 } as const;

/** `value` rounded half away from zero to `digits` decimals (exact for the decimals it keeps). */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  const rounded = Math.round(Math.abs(value) * factor + Number.EPSILON * factor) / factor;
  return Math.sign(value) * rounded || 0;
}

/** As `roundTo`, passing null through (an unknown figure stays unknown). */
export const roundOrNull = (value: number | null | undefined, digits: number): number | null =>
  value === null || value === undefined ? null : roundTo(value, digits);
