/** The arithmetic mean, or null for no values (a figure of nobody is unknown, not zero). */
export function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null;
}
