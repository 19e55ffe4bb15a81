import type { RGB } from "pdf-lib";
import { formatNumber } from "../format";
import { CONTENT_WIDTH, GRID, INK, MUTED } from "../theme";
import type { Writer } from "../writer";
import { type Box, CHART_HEADER, H_AXIS } from "./axis";

/** Horizontal bar charts (the completion funnel, the skill gaps): a label left of each bar, its value right of it. */

export interface HBar {
  label: string;
  value: number;
  valueText: string;
  color: RGB;
}

/** Height a horizontal bar chart of `n` bars needs (bars are 12–24 pt apart). */
export function hBarHeight(n: number, rowHeight = 24): number {
  return CHART_HEADER + n * rowHeight + H_AXIS;
}

export function hBarChart(w: Writer, bars: HBar[], box: Box, ticks: number[], axisTitle: string, note?: string): void {
  const size = 8;
  const rowHeight = (box.top - 4 - (box.bottom + H_AXIS)) / bars.length;
  const labelWidth = Math.min(CONTENT_WIDTH * 0.34, Math.max(40, ...bars.map((b) => w.width(b.label, size))) + 4);
  const valueWidth = Math.max(...bars.map((b) => w.width(b.valueText, size, w.kit.bold))) + 8;
  const plot: Box = { left: box.left + labelWidth + 8, right: box.right - valueWidth, top: box.top - 4, bottom: box.bottom + H_AXIS };
  const hi = ticks[ticks.length - 1]!;
  const toX = (v: number) => plot.left + (v / hi) * (plot.right - plot.left);
  // Grid and x axis.
  for (const tick of ticks) {
    const x = toX(tick);
    if (tick > 0) w.line(x, plot.bottom, x, plot.top, GRID, 0.5);
    w.line(x, plot.bottom, x, plot.bottom - 3, INK, 0.6);
    w.text(formatNumber(tick), x, plot.bottom - 12, { size: 7.5, color: MUTED, align: "center" });
  }
  w.line(plot.left, plot.bottom, plot.right, plot.bottom, INK, 0.8);
  w.text(axisTitle, (plot.left + plot.right) / 2, plot.bottom - 23, { size: 7.5, font: w.kit.bold, color: MUTED, align: "center" });
  if (note) w.text(note, box.right, plot.bottom - 23, { size: 7.5, color: MUTED, align: "right" });
  const barHeight = Math.min(16, rowHeight * 0.68);
  const textSize = Math.min(size, rowHeight * 0.62);
  bars.forEach((bar, i) => {
    const center = plot.top - (i + 0.5) * rowHeight;
    const width = Math.max(bar.value > 0 ? 1 : 0, toX(bar.value) - plot.left);
    if (width > 0) w.rect(plot.left, center - barHeight / 2, width, barHeight, bar.color);
    w.text(bar.label, box.left, center - textSize * 0.35, { size: textSize, maxWidth: labelWidth });
    w.text(bar.valueText, plot.left + width + 4, center - textSize * 0.35, { size: textSize, font: w.kit.bold });
  });
  w.line(plot.left, plot.bottom, plot.left, plot.top, INK, 0.8);
}
