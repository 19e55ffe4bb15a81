import type { ReportModel } from "../../model";
import { formatNumber } from "../format";
import { ACCENT, INK, MUTED } from "../theme";
import type { Writer } from "../writer";
import { type Box, labelStride, niceTicks, yAxis } from "./axis";

/** The score histogram: one vertical bar per bin, the counts above the bars, the bin edges below. */
export function histogramChart(w: Writer, chart: NonNullable<ReportModel["charts"]["scoreHistogram"]>, box: Box): void {
  const bins = chart.bins;
  const maxCount = Math.max(0, ...bins.map((b) => b.count));
  const ticks = niceTicks(0, maxCount, 5, true);
  const area: Box = { ...box, top: box.top - 26, bottom: box.bottom + 20 };
  const { plot, toY } = yAxis(w, area, ticks, (v) => formatNumber(v, 0), "Count");
  const slot = (plot.right - plot.left) / bins.length;
  const barWidth = slot * (bins.length > 30 ? 0.9 : 0.78);
  bins.forEach((bin, i) => {
    const x = plot.left + i * slot + (slot - barWidth) / 2;
    const top = toY(bin.count);
    if (bin.count > 0) w.rect(x, plot.bottom, barWidth, top - plot.bottom, ACCENT);
    const label = formatNumber(bin.count, 0);
    if (w.width(label, 7.5) <= slot) w.text(label, x + barWidth / 2, top + 3.5, { size: 7.5, font: w.kit.bold, align: "center" });
  });
  // X axis: the bin edges.
  w.line(plot.left, plot.bottom, plot.right, plot.bottom, INK, 0.8);
  const edges = [bins[0]!.from, ...bins.map((b) => b.to)];
  const edgeLabels = edges.map((e) => formatNumber(e));
  const stride = labelStride(
    edgeLabels.map((l) => w.width(l, 7.5)),
    slot,
  );
  const last = edges.length - 1;
  edges.forEach((_, i) => {
    // Every stride-th edge, and the last edge when it is not too close to the one before.
    const shown = i % stride === 0 || (i === last && last % stride >= stride / 2);
    if (!shown) return;
    const x = plot.left + i * slot;
    w.line(x, plot.bottom, x, plot.bottom - 3, INK, 0.6);
    w.text(edgeLabels[i]!, x, plot.bottom - 12, { size: 7.5, color: MUTED, align: "center" });
  });
}
