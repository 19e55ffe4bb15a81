import { GRID, INK, MUTED } from "../theme";
import type { Writer } from "../writer";

/** Chart geometry and axes shared by the chart kinds. */

export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const VERTICAL_CHART_HEIGHT = 300;
export const CHART_GAP = 26;
export const CHART_HEADER = 29;
export const H_AXIS = 30;

/** Round, evenly spaced axis ticks covering [min, max]. */
export function niceTicks(min: number, max: number, target = 5, integer = false): number[] {
  if (!(max > min)) max = min + (integer ? 1 : Math.abs(min) || 1);
  const rough = (max - min) / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const residual = rough / magnitude;
  let step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10) * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  // Values at the edge of the double range (no sensible round step): just the extremes.
  if (!Number.isFinite(step) || !(step > 0) || !Number.isFinite(max - min)) return [min, max];
  const decimals = Math.min(20, Math.max(0, -Math.floor(Math.log10(step)) + 1));
  const lo = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i <= 2 * target + 2; i++) {
    const tick = Number((lo + i * step).toFixed(decimals));
    ticks.push(tick);
    if (!Number.isFinite(tick)) break;
    if (tick >= max - 1e-9 * step) return ticks[ticks.length - 1]! > ticks[0]! ? ticks : [min, max];
  }
  return [min, max];
}

/** Y axis with ticks, gridlines and labels; returns the plot box right of the labels and a value → y map. */
export function yAxis(
  w: Writer,
  box: Box,
  ticks: number[],
  format: (v: number) => string,
  title?: string,
): { plot: Box; toY: (v: number) => number } {
  const size = 7.5;
  const labels = ticks.map(format);
  const labelWidth = Math.max(...labels.map((l) => w.width(l, size)), title ? w.width(title, size) - 6 : 0);
  const plot: Box = { ...box, left: box.left + labelWidth + 8 };
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  // Halved so that values near ±Number.MAX_VALUE do not overflow to Infinity (and NaN).
  const toY = (v: number) => plot.bottom + ((v / 2 - lo / 2) / (hi / 2 - lo / 2)) * (plot.top - plot.bottom);
  ticks.forEach((tick, i) => {
    const y = toY(tick);
    if (i > 0) w.line(plot.left, y, plot.right, y, GRID, 0.5);
    w.line(plot.left - 3, y, plot.left, y, MUTED, 0.6);
    w.text(labels[i]!, plot.left - 6, y - 2.6, { size, color: MUTED, align: "right" });
  });
  if (title) w.text(title, box.left, plot.top + 10, { size, font: w.kit.bold, color: MUTED });
  w.line(plot.left, plot.bottom, plot.left, plot.top, INK, 0.8);
  return { plot, toY };
}

/** Every k-th label so that labels of the given widths do not overlap in slots of `slot` width. */
export function labelStride(widths: number[], slot: number): number {
  const widest = Math.max(0, ...widths) + 6;
  return Math.max(1, Math.ceil(widest / Math.max(slot, 1e-6)));
}
