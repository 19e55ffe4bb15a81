import type { ReportModel } from "../../model";
import { formatNumber } from "../format";
import { ACCENT, ACCENT_LIGHT, INK, MUTED, WHITE } from "../theme";
import type { Writer } from "../writer";
import { type Box, labelStride, niceTicks, yAxis } from "./axis";

/** The engagement trend: a line with the area under it and a marker per point. */
export function trendChart(w: Writer, chart: NonNullable<ReportModel["charts"]["engagementTrend"]>, box: Box): void {
  const points = chart.points;
  const values = points.map((p) => p.value);
  const min = Math.min(0, ...values);
  const max = Math.max(...values);
  const ticks = niceTicks(min, max, 5);
  const area: Box = { ...box, top: box.top - 26, bottom: box.bottom + 20 };
  const { plot, toY } = yAxis(w, area, ticks, (v) => formatNumber(v));
  const inset = 12;
  const span = plot.right - plot.left - 2 * inset;
  const toX = (i: number) => plot.left + inset + (points.length === 1 ? span / 2 : (i * span) / (points.length - 1));
  const coordinates = points.map((p, i) => ({ x: toX(i), y: toY(p.value) }));
  // Area under the line, the line, then the markers.
  const baseline = toY(Math.max(ticks[0]!, Math.min(0, ticks[ticks.length - 1]!)));
  if (coordinates.length > 1) {
    w.path([{ x: coordinates[0]!.x, y: baseline }, ...coordinates, { x: coordinates[coordinates.length - 1]!.x, y: baseline }], {
      fill: ACCENT_LIGHT,
      close: true,
    });
    w.path(coordinates, { stroke: ACCENT, width: 1.6 });
  }
  const markerSize = points.length > 60 ? 1.3 : 2.6;
  for (const c of coordinates) w.page.drawCircle({ x: c.x, y: c.y, size: markerSize, color: WHITE, borderColor: ACCENT, borderWidth: 1.1 });
  // Value labels: every point when they fit, else the highest and the last.
  const slot = points.length === 1 ? span : span / (points.length - 1);
  const valueLabels = values.map((v) => formatNumber(v));
  const allFit = points.length <= 16 && valueLabels.every((l) => w.width(l, 7) + 4 <= slot);
  const highest = values.indexOf(max);
  coordinates.forEach((c, i) => {
    if (allFit || i === highest || i === points.length - 1)
      w.text(valueLabels[i]!, c.x, c.y + 6, { size: 7, font: w.kit.bold, align: "center" });
  });
  // X axis with the point labels.
  w.line(plot.left, plot.bottom, plot.right, plot.bottom, INK, 0.8);
  const stride = labelStride(
    points.map((p) => w.width(p.label, 7.5)),
    slot,
  );
  points.forEach((p, i) => {
    if (i % stride !== 0) return;
    const x = toX(i);
    w.line(x, plot.bottom, x, plot.bottom - 3, INK, 0.6);
    w.text(p.label, x, plot.bottom - 12, { size: 7.5, color: MUTED, align: "center", maxWidth: Math.max(slot * stride - 4, 20) });
  });
}
