import type { ReportModel } from "../model";

/** Number and date formatting (locale-free, so output does not depend on the runtime). */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** At most `decimals` decimals, trailing zeros dropped, thousands grouped: 12,345.5 */
export function formatNumber(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e15) return String(value);
  let fixed = value.toFixed(decimals);
  // A small non-zero value would show as 0: keep two significant digits instead.
  if (value !== 0 && Number(fixed) === 0) fixed = value.toPrecision(2);
  if (fixed.includes("e")) return fixed;
  const negative = fixed.startsWith("-");
  const [int = "0", frac = ""] = (negative ? fixed.slice(1) : fixed).split(".");
  const trimmed = frac.replace(/0+$/, "");
  const text = group(int) + (trimmed ? `.${trimmed}` : "");
  return negative && Number(fixed) !== 0 ? `-${text}` : text;
}

function formatDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${formatDate(iso)}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "1 Jun 2026 – 30 Jun 2026" */
export function formatPeriod(range: ReportModel["timeRange"]): string {
  return `${formatDate(range.from)} – ${formatDate(range.to)}`;
}
