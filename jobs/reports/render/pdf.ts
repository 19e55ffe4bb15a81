import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts, type RGB } from "pdf-lib";
import { parseReportModel, type ReportModel, type TableCell } from "./model";

/**
 * PDF rendering of a report with pdf-lib (pure: no I/O, no clock; runs on Workers).
 *
 * Layout (A4 portrait, points): a title page (title, organisation, scope, period, generation time,
 * key figures, contents); then the charts present, two to a page, drawn as vector graphics
 * (paths, rectangles and text, no images); then the table, which breaks across pages with its
 * header row repeated and long cells truncated with "…". Every page has "Page N of M" in the footer.
 *
 * Fonts are the standard Helvetica / Helvetica-Bold (not embedded; viewers substitute a metric
 * compatible face). They encode WinAnsi (Windows-1252) only: text is NFC-normalised, a few
 * typographic characters are transliterated (`≥` → `>=`, `−` → `-`, narrow spaces → space) and any
 * other character the font cannot encode becomes `?` — so "Chloé" prints as is, "✓" as "?". The
 * document metadata (title, subject) is UTF-16 and keeps the original text.
 *
 * Determinism: pdf-lib's automatic metadata is off; producer, creator and both dates are set from
 * the model (`generatedAt`), and pdf-lib's internal name suffixes come from a fixed-seed generator,
 * so the same model gives byte-identical files (with the same pdf-lib version and this code).
 */

// ---------------------------------------------------------------------------------------------
// Page geometry and style

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 50;
const CONTENT_LEFT = MARGIN_X;
const CONTENT_RIGHT = PAGE_WIDTH - MARGIN_X;
const CONTENT_WIDTH = CONTENT_RIGHT - CONTENT_LEFT;
/** Top of the content area on pages with the running header. */
const CONTENT_TOP = PAGE_HEIGHT - 64;
/** Bottom of the content area (the footer sits below). */
const CONTENT_BOTTOM = 58;

const INK = rgb(0.12, 0.14, 0.19);
const MUTED = rgb(0.42, 0.45, 0.5);
const RULE = rgb(0.82, 0.84, 0.87);
const GRID = rgb(0.9, 0.91, 0.93);
const PANEL = rgb(0.96, 0.965, 0.975);
const ACCENT = rgb(0.13, 0.35, 0.66);
const ACCENT_LIGHT = rgb(0.84, 0.89, 0.96);
const BAND_TEXT = rgb(0.83, 0.88, 0.96);
const WHITE = rgb(1, 1, 1);

const PRODUCER = "Learning Analytics API report renderer (pdf-lib)";
const AUTHOR = "Learning Analytics API";

const TYPE_LABELS: Record<ReportModel["type"], string> = {
  "learner-progress": "Learner progress report",
  "course-performance": "Course performance report",
  "organization-summary": "Organisation summary report",
  "at-risk": "At-risk learners report",
};
const RANGE_LABELS: Record<ReportModel["timeRange"]["label"], string> = {
  "7d": "last 7 days",
  "30d": "last 30 days",
  "90d": "last 90 days",
  "1y": "last 12 months",
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// ---------------------------------------------------------------------------------------------
// Text: WinAnsi sanitising, measuring, truncating, wrapping

/** Characters outside WinAnsi with a readable ASCII / WinAnsi stand-in. */
const TRANSLITERATIONS: Record<string, string> = {
  "≥": ">=",
  "≤": "<=",
  "≠": "!=",
  "→": "->",
  "←": "<-",
  "−": "-",
  "‐": "-",
  "‑": "-",
  "‒": "-",
  "\u2009": " ",
  "\u202F": " ",
  "\u2007": " ",
  "\u2002": " ",
  "\u2003": " ",
  "\u200B": "",
  "\uFEFF": "",
};

export interface TextKit {
  regular: PDFFont;
  bold: PDFFont;
  /** Code points both fonts can encode. */
  charset: Set<number>;
}

/**
 * The text as the standard fonts can draw it, on one line: NFC, transliterations, line breaks
 * (CRLF counts as one) and tabs as spaces, other control characters and anything not in `charset` as `?`.
 */
export function sanitizeWinAnsi(text: string, charset: ReadonlySet<number>): string {
  let out = "";
  for (const char of text.normalize("NFC").replaceAll("\r\n", "\n")) {
    const code = char.codePointAt(0)!;
    if (char === "\r" || char === "\n" || char === "\t" || char === "\u2028" || char === "\u2029") out += " ";
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += "?";
    else if (TRANSLITERATIONS[char] !== undefined) out += TRANSLITERATIONS[char];
    else out += charset.has(code) ? char : "?";
  }
  return out;
}

const ELLIPSIS = "…";

/** `text` (sanitised) cut to fit `maxWidth`, ending with "…" when cut. */
function truncate(text: string, font: PDFFont, size: number, maxWidth: number): string {
  if (font.widthOfTextAtSize(text, size) <= maxWidth) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  // Largest prefix length whose "prefix…" fits.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (font.widthOfTextAtSize(chars.slice(0, mid).join("").trimEnd() + ELLIPSIS, size) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? (font.widthOfTextAtSize(ELLIPSIS, size) <= maxWidth ? ELLIPSIS : "") : chars.slice(0, lo).join("").trimEnd() + ELLIPSIS;
}

/** Greedy word wrap of sanitised text; words wider than a line are broken; at most `maxLines` (the last truncated). */
function wrap(text: string, font: PDFFont, size: number, maxWidth: number, maxLines = Infinity): string[] {
  const words = text.split(" ").filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = "";
  const width = (s: string) => font.widthOfTextAtSize(s, size);
  for (let word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (width(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = "";
    // Break an over-long word.
    while (width(word) > maxWidth) {
      const chars = Array.from(word);
      let n = chars.length - 1;
      while (n > 1 && width(chars.slice(0, n).join("")) > maxWidth) n--;
      lines.push(chars.slice(0, n).join(""));
      word = chars.slice(n).join("");
    }
    line = word;
  }
  if (line) lines.push(line);
  if (lines.length === 0) lines.push("");
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = truncate(lines.slice(maxLines - 1).join(" "), font, size, maxWidth);
    return kept;
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Number and date formatting (locale-free, so output does not depend on the runtime)

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

function formatDateTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${formatDate(iso)}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "1 Jun 2026 – 30 Jun 2026" */
export function formatPeriod(range: ReportModel["timeRange"]): string {
  return `${formatDate(range.from)} – ${formatDate(range.to)}`;
}

/** Round, evenly spaced axis ticks covering [min, max]. */
function niceTicks(min: number, max: number, target = 5, integer = false): number[] {
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

function cellText(cell: TableCell | undefined): string {
  if (cell === null || cell === undefined) return "–";
  return typeof cell === "number" ? formatNumber(cell) : cell;
}

// ---------------------------------------------------------------------------------------------
// Document writer

type Align = "left" | "right" | "center";

interface TextOptions {
  size: number;
  font?: PDFFont;
  color?: RGB;
  align?: Align;
  /** Truncate with "…" to this width. */
  maxWidth?: number;
}

class Writer {
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  /** Cursor: the top of the space still free on the current page. */
  y = 0;

  constructor(
    readonly doc: PDFDocument,
    readonly kit: TextKit,
    readonly model: ReportModel,
  ) {}

  clean(text: string): string {
    return sanitizeWinAnsi(text, this.kit.charset);
  }

  newPage(withHeader = true): PDFPage {
    this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.pages.push(this.page);
    this.y = CONTENT_TOP;
    if (withHeader) this.runningHeader();
    return this.page;
  }

  /** Starts a new page unless `height` still fits below the cursor. */
  ensure(height: number): void {
    if (this.y - height < CONTENT_BOTTOM) this.newPage();
  }

  /** Draws one line of text with its baseline at `y`; returns the text drawn. */
  text(raw: string, x: number, y: number, options: TextOptions, page: PDFPage = this.page): string {
    const font = options.font ?? this.kit.regular;
    let text = this.clean(raw);
    if (options.maxWidth !== undefined) text = truncate(text, font, options.size, options.maxWidth);
    if (!text) return text;
    const width = font.widthOfTextAtSize(text, options.size);
    const left = options.align === "right" ? x - width : options.align === "center" ? x - width / 2 : x;
    page.drawText(text, { x: left, y, size: options.size, font, color: options.color ?? INK });
    return text;
  }

  width(raw: string, size: number, font: PDFFont = this.kit.regular): number {
    return font.widthOfTextAtSize(this.clean(raw), size);
  }

  lines(raw: string, size: number, maxWidth: number, font: PDFFont = this.kit.regular, maxLines = Infinity): string[] {
    // A few lines at most are shown: no need to wrap (quadratic in the worst case) a huge text.
    return wrap(this.clean(raw.slice(0, 2000)), font, size, maxWidth, maxLines);
  }

  rect(x: number, y: number, width: number, height: number, color: RGB, page: PDFPage = this.page): void {
    page.drawRectangle({ x, y, width, height, color });
  }

  line(x1: number, y1: number, x2: number, y2: number, color: RGB, thickness = 0.6, page: PDFPage = this.page): void {
    page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness, color });
  }

  /** A path through points in page coordinates. */
  path(points: { x: number; y: number }[], options: { stroke?: RGB; fill?: RGB; width?: number; close?: boolean }): void {
    const d = points.map((p, i) => `${i === 0 ? "M" : "L"} ${p.x.toFixed(2)} ${(-p.y).toFixed(2)}`).join(" ") + (options.close ? " Z" : "");
    this.page.drawSvgPath(d, {
      x: 0,
      y: 0,
      ...(options.fill ? { color: options.fill } : {}),
      ...(options.stroke ? { borderColor: options.stroke, borderWidth: options.width ?? 1 } : {}),
    });
  }

  runningHeader(): void {
    const { model } = this;
    const right = this.text(`${formatPeriod(model.timeRange)}`, CONTENT_RIGHT, PAGE_HEIGHT - 38, { size: 8, color: MUTED, align: "right" });
    const rightWidth = this.kit.regular.widthOfTextAtSize(right, 8);
    this.text(`${model.title} · ${model.scopeLabel}`, CONTENT_LEFT, PAGE_HEIGHT - 38, { size: 8, font: this.kit.bold, color: MUTED, maxWidth: CONTENT_WIDTH - rightWidth - 16 });
    this.line(CONTENT_LEFT, PAGE_HEIGHT - 45, CONTENT_RIGHT, PAGE_HEIGHT - 45, RULE, 0.5);
  }

  /** Footers need the page count, so they are drawn last. */
  footers(): void {
    const total = this.pages.length;
    this.pages.forEach((page, index) => {
      this.line(CONTENT_LEFT, 44, CONTENT_RIGHT, 44, RULE, 0.5, page);
      const label = `Page ${index + 1} of ${total}`;
      this.text(label, CONTENT_RIGHT, 30, { size: 8, color: MUTED, align: "right" }, page);
      const labelWidth = this.kit.regular.widthOfTextAtSize(label, 8);
      this.text(`${AUTHOR} · ${this.model.organizationName} · generated ${formatDateTime(this.model.generatedAt)}`, CONTENT_LEFT, 30, { size: 8, color: MUTED, maxWidth: CONTENT_WIDTH - labelWidth - 16 }, page);
    });
  }

  /** A section heading with a rule under it; returns the y below it. */
  heading(raw: string, y: number, size = 13): number {
    this.text(raw, CONTENT_LEFT, y - size, { size, font: this.kit.bold, maxWidth: CONTENT_WIDTH });
    this.line(CONTENT_LEFT, y - size - 7, CONTENT_RIGHT, y - size - 7, RULE, 0.6);
    return y - size - 16;
  }
}

// ---------------------------------------------------------------------------------------------
// Title page

interface ContentsEntry {
  label: string;
  page: number;
}

function titlePage(w: Writer): (entries: ContentsEntry[]) => void {
  const { model, kit } = w;
  w.newPage(false);
  const bandInner = CONTENT_WIDTH;
  const titleLines = w.lines(model.title, 26, bandInner, kit.bold, 3);
  const orgLines = w.lines(model.organizationName, 13, bandInner, kit.regular, 2);
  const bandHeight = 100 + titleLines.length * 31 + orgLines.length * 17;
  w.rect(0, PAGE_HEIGHT - bandHeight, PAGE_WIDTH, bandHeight, ACCENT);
  let y = PAGE_HEIGHT - 54;
  w.text(TYPE_LABELS[model.type].toUpperCase(), CONTENT_LEFT, y, { size: 9, font: kit.bold, color: BAND_TEXT });
  y -= 14;
  for (const line of titleLines) {
    y -= 31;
    w.text(line, CONTENT_LEFT, y + 6, { size: 26, font: kit.bold, color: WHITE });
  }
  y -= 8;
  for (const line of orgLines) {
    y -= 17;
    w.text(line, CONTENT_LEFT, y + 4, { size: 13, color: BAND_TEXT });
  }

  // Details: scope, period, generation time.
  y = PAGE_HEIGHT - bandHeight - 34;
  const labelWidth = 92;
  const details: [string, string][] = [
    ["Organisation", model.organizationName],
    ["Scope", model.scopeLabel],
    ["Period", `${formatPeriod(model.timeRange)} (${RANGE_LABELS[model.timeRange.label]})`],
    ["Generated", formatDateTime(model.generatedAt)],
  ];
  for (const [label, value] of details) {
    const valueLines = w.lines(value || "–", 11, CONTENT_WIDTH - labelWidth, kit.regular, 3);
    w.text(label, CONTENT_LEFT, y, { size: 9.5, font: kit.bold, color: MUTED });
    valueLines.forEach((line, i) => w.text(line, CONTENT_LEFT + labelWidth, y - i * 14, { size: 11 }));
    y -= valueLines.length * 14 + 8;
  }

  // Key figures as cards, three to a row.
  w.y = y - 14;
  if (model.summary.length > 0) {
    w.y = w.heading("Key figures", w.y);
    const columns = 3;
    const gap = 12;
    const cardWidth = (CONTENT_WIDTH - gap * (columns - 1)) / columns;
    const cardHeight = 64;
    model.summary.forEach((figure, i) => {
      const column = i % columns;
      if (column === 0) {
        if (i > 0) w.y -= cardHeight + gap;
        w.ensure(cardHeight);
      }
      const x = CONTENT_LEFT + column * (cardWidth + gap);
      const top = w.y;
      w.rect(x, top - cardHeight, cardWidth, cardHeight, PANEL);
      w.rect(x, top - cardHeight, 3, cardHeight, ACCENT);
      const labelLines = w.lines(figure.label, 8.5, cardWidth - 22, kit.regular, 2);
      labelLines.forEach((line, j) => w.text(line, x + 12, top - 15 - j * 10.5, { size: 8.5, color: MUTED }));
      // The value at the largest size (17 down to 11) that fits, else truncated.
      const value = w.clean(figure.value || "–");
      let size = 17;
      while (size > 11 && kit.bold.widthOfTextAtSize(value, size) > cardWidth - 22) size -= 1;
      w.text(value, x + 12, top - cardHeight + 13, { size, font: kit.bold, maxWidth: cardWidth - 22 });
    });
    w.y -= cardHeight + 26;
  }

  // Contents: filled in once the pages are known, if it fits here.
  const page = w.page;
  const top = w.y;
  return (entries) => {
    const needed = 29 + entries.length * 17;
    if (entries.length === 0 || top - needed < CONTENT_BOTTOM) return;
    const saved = w.page;
    w.page = page;
    let y = w.heading("Contents", top);
    for (const entry of entries) {
      y -= 13;
      const pageLabel = `page ${entry.page}`;
      const pageWidth = kit.regular.widthOfTextAtSize(pageLabel, 10);
      const drawn = w.text(entry.label, CONTENT_LEFT, y, { size: 10, maxWidth: CONTENT_WIDTH - pageWidth - 24 });
      const start = CONTENT_LEFT + kit.regular.widthOfTextAtSize(drawn, 10) + 6;
      const end = CONTENT_RIGHT - pageWidth - 6;
      if (end > start) page.drawLine({ start: { x: start, y: y + 2 }, end: { x: end, y: y + 2 }, thickness: 0.5, color: RULE, dashArray: [1, 2] });
      w.text(pageLabel, CONTENT_RIGHT, y, { size: 10, color: MUTED, align: "right" });
      y -= 4;
    }
    w.page = saved;
  };
}

// ---------------------------------------------------------------------------------------------
// Charts

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const VERTICAL_CHART_HEIGHT = 300;
const CHART_GAP = 26;
const CHART_HEADER = 29;
const H_AXIS = 30;

/** Y axis with ticks, gridlines and labels; returns the plot box right of the labels and a value → y map. */
function yAxis(w: Writer, box: Box, ticks: number[], format: (v: number) => string, title?: string): { plot: Box; toY: (v: number) => number } {
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
function labelStride(widths: number[], slot: number): number {
  const widest = Math.max(0, ...widths) + 6;
  return Math.max(1, Math.ceil(widest / Math.max(slot, 1e-6)));
}

function histogramChart(w: Writer, chart: NonNullable<ReportModel["charts"]["scoreHistogram"]>, box: Box): void {
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
  const stride = labelStride(edgeLabels.map((l) => w.width(l, 7.5)), slot);
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

function trendChart(w: Writer, chart: NonNullable<ReportModel["charts"]["engagementTrend"]>, box: Box): void {
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
    w.path([{ x: coordinates[0]!.x, y: baseline }, ...coordinates, { x: coordinates[coordinates.length - 1]!.x, y: baseline }], { fill: ACCENT_LIGHT, close: true });
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
    if (allFit || i === highest || i === points.length - 1) w.text(valueLabels[i]!, c.x, c.y + 6, { size: 7, font: w.kit.bold, align: "center" });
  });
  // X axis with the point labels.
  w.line(plot.left, plot.bottom, plot.right, plot.bottom, INK, 0.8);
  const stride = labelStride(points.map((p) => w.width(p.label, 7.5)), slot);
  points.forEach((p, i) => {
    if (i % stride !== 0) return;
    const x = toX(i);
    w.line(x, plot.bottom, x, plot.bottom - 3, INK, 0.6);
    w.text(p.label, x, plot.bottom - 12, { size: 7.5, color: MUTED, align: "center", maxWidth: Math.max(slot * stride - 4, 20) });
  });
}

interface HBar {
  label: string;
  value: number;
  valueText: string;
  color: RGB;
}

/** Height a horizontal bar chart of `n` bars needs (bars are 12–24 pt apart). */
function hBarHeight(n: number, rowHeight = 24): number {
  return CHART_HEADER + n * rowHeight + H_AXIS;
}

function hBarChart(w: Writer, bars: HBar[], box: Box, ticks: number[], axisTitle: string, note?: string): void {
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
  return items.length <= MAX_BARS ? { shown: items } : { shown: items.slice(0, MAX_BARS), note: `Showing the first ${MAX_BARS} of ${items.length}` };
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
    plans.push({ title: chart.title, height: hHeight(shown.length), draw: (box) => hBarChart(w, bars, box, niceTicks(0, max, 5), isFunnel ? "Count (share of the first step)" : "Count", note) });
  }
  if (charts.engagementTrend) {
    const chart = charts.engagementTrend;
    plans.push({ title: chart.title, height: VERTICAL_CHART_HEIGHT, draw: (box) => trendChart(w, chart, box) });
  }
  if (charts.skillGaps) {
    const chart = charts.skillGaps;
    const { shown, note } = limited(chart.items);
    const bars = shown.map((s) => ({ label: s.label, value: s.value, valueText: s.value.toFixed(2), color: mix(GAP_LOW, GAP_HIGH, s.value) }));
    plans.push({ title: chart.title, height: hHeight(shown.length), draw: (box) => hBarChart(w, bars, box, [0, 0.25, 0.5, 0.75, 1], "Priority (0 = none, 1 = highest)", note) });
  }
  return plans;
}

function drawCharts(w: Writer, contents: ContentsEntry[]): void {
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

// ---------------------------------------------------------------------------------------------
// Table

/** Table text sizes, largest first: a smaller one is used when the columns do not fit. */
const TABLE_SIZES = [8.5, 7.5, 6.5];
const ROW_HEIGHT = 16;
const CELL_PAD = 5;
const MIN_COLUMN = 34;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Column widths filling `total`. `natural`: what the widest cell (and the longest header word)
 * needs; `preferred`: that or the header on one line, if wider; `rigid`: columns that must keep
 * their natural width (numbers are never truncated). Preferred widths when they fit, then natural
 * widths (headers wrap); otherwise narrow text columns keep their natural width and the wide ones
 * share the rest equally (their cells are truncated). Null when even that does not fit.
 */
function columnWidths(natural: number[], preferred: number[], rigid: boolean[], total: number): number[] | null {
  const floor = natural.map((n) => Math.max(MIN_COLUMN, n));
  if (sum(floor) <= total) {
    const wanted = preferred.map((p, i) => Math.max(p, floor[i]!));
    if (sum(wanted) <= total) {
      const extra = total - sum(wanted);
      return wanted.map((p) => p + (extra * p) / sum(wanted));
    }
    const extra = total - sum(floor);
    const growth = wanted.map((p, i) => p - floor[i]!);
    return floor.map((f, i) => f + (extra * growth[i]!) / sum(growth));
  }
  // Water-filling over the text columns: narrow ones keep their width, wide ones share the rest.
  const widths = floor.slice();
  let open = widths.flatMap((_, i) => (rigid[i] ? [] : [i]));
  let remaining = total - sum(floor.filter((_, i) => rigid[i]));
  if (remaining < open.length * MIN_COLUMN) return null;
  while (open.length > 0) {
    const share = remaining / open.length;
    const narrow = open.filter((i) => floor[i]! <= share);
    if (narrow.length === 0) {
      for (const i of open) widths[i] = share;
      break;
    }
    for (const i of narrow) remaining -= floor[i]!;
    open = open.filter((i) => floor[i]! > share);
  }
  return widths;
}

interface TableLayout {
  size: number;
  headerSize: number;
  widths: number[];
}

/** The largest text size at which the columns fit (numbers whole), else the smallest, scaled. */
function tableLayout(labels: string[], cells: string[][], numeric: boolean[], kit: TextKit): TableLayout {
  const { regular, bold } = kit;
  let layout: TableLayout | null = null;
  for (const size of TABLE_SIZES) {
    const headerSize = size - 0.5;
    const natural = labels.map((label, i) => {
      const longestWord = Math.max(0, ...label.split(" ").map((word) => bold.widthOfTextAtSize(word, headerSize)));
      const widest = Math.max(0, ...cells.map((row) => regular.widthOfTextAtSize(row[i]!, size)));
      return Math.max(longestWord, widest) + 2 * CELL_PAD;
    });
    const preferred = labels.map((label, i) => Math.max(natural[i]!, bold.widthOfTextAtSize(label, headerSize) + 2 * CELL_PAD));
    const widths = columnWidths(natural, preferred, numeric, CONTENT_WIDTH);
    if (widths) return { size, headerSize, widths };
    // Too many columns even at this size: scale the natural widths down (cells are truncated).
    const floor = natural.map((n) => Math.max(MIN_COLUMN, n));
    layout = { size, headerSize, widths: floor.map((f) => (f * CONTENT_WIDTH) / sum(floor)) };
  }
  return layout!;
}

function drawTable(w: Writer, contents: ContentsEntry[]): void {
  const { table } = w.model;
  const { bold } = w.kit;
  const columns = table.columns;
  const cells = table.rows.map((row) => columns.map((c) => w.clean(cellText(Object.hasOwn(row, c.key) ? row[c.key] : undefined))));
  const numeric = columns.map((c) => table.rows.some((r) => typeof r[c.key] === "number") && table.rows.every((r) => typeof r[c.key] === "number" || r[c.key] === null || r[c.key] === undefined));
  const labels = columns.map((c) => w.clean(c.label));
  const { size, headerSize, widths } = tableLayout(labels, cells, numeric, w.kit);
  const xs = widths.map((_, i) => CONTENT_LEFT + sum(widths.slice(0, i)));
  const headerLines = labels.map((label, i) => wrap(label, bold, headerSize, widths[i]! - 2 * CELL_PAD, 3));
  const headerLeading = headerSize + 2;
  const headerHeight = Math.max(...headerLines.map((l) => l.length)) * headerLeading + 10;
  const cellX = (i: number) => (numeric[i] ? xs[i]! + widths[i]! - CELL_PAD : xs[i]! + CELL_PAD);
  const align = (i: number): Align => (numeric[i] ? "right" : "left");

  const drawHeader = () => {
    const top = w.y;
    w.rect(CONTENT_LEFT, top - headerHeight, CONTENT_WIDTH, headerHeight, ACCENT);
    headerLines.forEach((lines, i) => {
      lines.forEach((line, j) => w.text(line, cellX(i), top - 5.5 - headerSize - j * headerLeading, { size: headerSize, font: bold, color: WHITE, align: align(i) }));
    });
    w.y = top - headerHeight;
  };

  w.newPage();
  contents.push({ label: table.title || "Table", page: w.pages.length });
  w.y = w.heading(table.title || "Table", w.y);
  w.text(`${formatNumber(table.rows.length, 0)} ${table.rows.length === 1 ? "row" : "rows"}`, CONTENT_LEFT, w.y - 2, { size: 8.5, color: MUTED });
  w.y -= 14;
  drawHeader();
  if (cells.length === 0) {
    w.text("No rows for this period.", CONTENT_LEFT + CELL_PAD, w.y - 16, { size: 8.5, color: MUTED });
    w.y -= ROW_HEIGHT + 4;
  }
  cells.forEach((row, r) => {
    if (w.y - ROW_HEIGHT < CONTENT_BOTTOM) {
      w.newPage();
      w.text(`${table.title || "Table"} (continued)`, CONTENT_LEFT, w.y - 10, { size: 9.5, font: bold, color: MUTED, maxWidth: CONTENT_WIDTH });
      w.y -= 18;
      drawHeader();
    }
    const top = w.y;
    if (r % 2 === 1) w.rect(CONTENT_LEFT, top - ROW_HEIGHT, CONTENT_WIDTH, ROW_HEIGHT, PANEL);
    row.forEach((text, i) => w.text(text, cellX(i), top - 11, { size, align: align(i), maxWidth: widths[i]! - 2 * CELL_PAD }));
    w.y = top - ROW_HEIGHT;
  });
  w.line(CONTENT_LEFT, w.y, CONTENT_RIGHT, w.y, RULE, 0.6);
}

// ---------------------------------------------------------------------------------------------

/** Renders the report as an A4 PDF. Validates the model first (throws a `ZodError` when invalid). */
export async function renderPdf(input: ReportModel): Promise<Uint8Array> {
  const model = parseReportModel(input);
  const doc = await PDFDocument.create({ updateMetadata: false });
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const boldSet = new Set(bold.getCharacterSet());
  const charset = new Set(regular.getCharacterSet().filter((code) => boldSet.has(code)));
  const w = new Writer(doc, { regular, bold, charset }, model);

  const fillContents = titlePage(w);
  const contents: ContentsEntry[] = [];
  drawCharts(w, contents);
  drawTable(w, contents);
  fillContents(contents);
  w.footers();

  const generated = new Date(model.generatedAt);
  doc.setTitle(model.title, { showInWindowTitleBar: true });
  doc.setAuthor(AUTHOR);
  doc.setSubject(`${TYPE_LABELS[model.type]} · ${model.organizationName} · ${model.scopeLabel} · ${formatPeriod(model.timeRange)}`);
  doc.setKeywords([model.type, model.timeRange.label]);
  doc.setCreator(AUTHOR);
  doc.setProducer(PRODUCER);
  doc.setLanguage("en");
  doc.setCreationDate(generated);
  doc.setModificationDate(generated);
  return doc.save({ useObjectStreams: false });
}
