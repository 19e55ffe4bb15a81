import { type RGB, rgb } from "pdf-lib";
import { formatNumber } from "../format";
import { CONTENT_BOTTOM, CONTENT_LEFT, CONTENT_RIGHT, CONTENT_TOP } from "../theme";
import type { ContentsEntry, Writer } from "../writer";
import { type Box, CHART_GAP, CHART_HEADER, H_AXIS, niceTicks, VERTICAL_CHART_HEIGHT } from "./axis";
import { hBarChart, hBarHeight } from "./bars";
import { histogramChart } from "./histogram";
import { trendChart } from "./trend";

/** The charts the model has, two to a page where they fit, drawn as vector graphics. */

/** A shade between two colours. */
function mix(a: RGB, b: RGB, t: number): RGB {
  return rgb(a.red + (b.red - a.red) * t, a.green + (b.green - a.green) * t, a.blue + (b.blue - a.blue) * t);
}

const FUNNEL_DARK = rgb(0.1, 0.29, 0.56);
const FUNNEL_LIGHT = rgb(0.42, 0.62, 0.86);
const GAP_LOW = rgb(0.95, 0.68, 0.25);
const GAP_HIGH = rgb(0.78, 0.2, 0.18);

/** Bars that fit on one page at 12 pt apart (more are left out with a note). */
const MAX_BARS = Math.floor((CONTENT_TOP - CONTENT_BOTTOM - CHART_HEADER - H_AXIS - 4) / 12);

function limited<T>(items: T[]): { shown: T[]; note?: string } {
  return items.length <= MAX_BARS
    ? { shown: items }
    : { shown: items.slice(0, MAX_BARS), note: `Showing the first ${MAX_BARS} of ${items.length}` };
}

interface ChartPlan {
  title: string;
  height: number;
  draw: (box: Box) => void;
}

function chartPlans(w: Writer): ChartPlan[] {
  const { charts } = w.model;
  const plans: ChartPlan[] = [];
  const fullPage = CONTENT_TOP - CONTENT_BOTTOM;
  const hHeight = (n: number) => Math.min(fullPage, Math.max(hBarHeight(n), 170));
  if (charts.scoreHistogram) {
    const chart = charts.scoreHistogram;
    plans.push({ title: chart.title, height: VERTICAL_CHART_HEIGHT, draw: (box) => histogramChart(w, chart, box) });
  }
  if (charts.completionFunnel) {
    const chart = charts.completionFunnel;
    const { shown, note } = limited(chart.steps);
    const first = chart.steps[0]!.value;
    const isFunnel = chart.steps.every((s, i) => i === 0 || s.value <= chart.steps[i - 1]!.value);
    const max = Math.max(0, ...shown.map((s) => s.value));
    const bars = shown.map((s, i) => ({
      label: s.label,
      value: s.value,
      valueText: formatNumber(s.value) + (isFunnel && i > 0 && first > 0 ? ` (${Math.round((s.value / first) * 100)} %)` : ""),
      color: mix(FUNNEL_DARK, FUNNEL_LIGHT, shown.length === 1 ? 0 : i / (shown.length - 1)),
    }));
    plans.push({
      title: chart.title,
      height: hHeight(shown.length),
      draw: (box) => hBarChart(w, bars, box, niceTicks(0, max, 5), isFunnel ? "Count (share of the first step)" : "Count", note),
    });
  }
  if (charts.engagementTrend) {
    const chart = charts.engagementTrend;
    plans.push({ title: chart.title, height: VERTICAL_CHART_HEIGHT, draw: (box) => trendChart(w, chart, box) });
  }
  if (charts.skillGaps) {
    const chart = charts.skillGaps;
    const { shown, note } = limited(chart.items);
    const bars = shown.map((s) => ({
      label: s.label,
      value: s.value,
      valueText: s.value.toFixed(2),
      color: mix(GAP_LOW, GAP_HIGH, s.value),
    }));
    plans.push({
      title: chart.title,
      height: hHeight(shown.length),
      draw: (box) => hBarChart(w, bars, box, [0, 0.25, 0.5, 0.75, 1], "Priority (0 = none, 1 = highest)", note),
    });
  }
  return plans;
}

export function drawCharts(w: Writer, contents: ContentsEntry[]): void {
  const plans = chartPlans(w);
  if (plans.length === 0) return;
  w.newPage();
  plans.forEach((plan, i) => {
    if (i > 0) w.y -= CHART_GAP;
    w.ensure(plan.height);
    contents.push({ label: plan.title || "Chart", page: w.pages.length });
    const top = w.heading(plan.title || "Chart", w.y, 12.5);
    plan.draw({ left: CONTENT_LEFT, right: CONTENT_RIGHT, top, bottom: w.y - plan.height });
    w.y -= plan.height;
  });
}
