import type { PDFDocument, PDFFont, PDFPage, RGB } from "pdf-lib";
import type { ReportModel } from "../model";
import { formatDateTime, formatPeriod } from "./format";
import { sanitizeWinAnsi, type TextKit, truncate, wrap } from "./text";
import {
  AUTHOR,
  CONTENT_BOTTOM,
  CONTENT_LEFT,
  CONTENT_RIGHT,
  CONTENT_TOP,
  CONTENT_WIDTH,
  INK,
  MUTED,
  PAGE_HEIGHT,
  PAGE_WIDTH,
  RULE,
} from "./theme";

/** The document writer: pages, a cursor down the current page, drawing primitives, running header and footers. */

export type Align = "left" | "right" | "center";

interface TextOptions {
  size: number;
  font?: PDFFont;
  color?: RGB;
  align?: Align;
  /** Truncate with "…" to this width. */
  maxWidth?: number;
}

export class Writer {
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
    this.text(`${model.title} · ${model.scopeLabel}`, CONTENT_LEFT, PAGE_HEIGHT - 38, {
      size: 8,
      font: this.kit.bold,
      color: MUTED,
      maxWidth: CONTENT_WIDTH - rightWidth - 16,
    });
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
      this.text(
        `${AUTHOR} · ${this.model.organizationName} · generated ${formatDateTime(this.model.generatedAt)}`,
        CONTENT_LEFT,
        30,
        { size: 8, color: MUTED, maxWidth: CONTENT_WIDTH - labelWidth - 16 },
        page,
      );
    });
  }

  /** A section heading with a rule under it; returns the y below it. */
  heading(raw: string, y: number, size = 13): number {
    this.text(raw, CONTENT_LEFT, y - size, { size, font: this.kit.bold, maxWidth: CONTENT_WIDTH });
    this.line(CONTENT_LEFT, y - size - 7, CONTENT_RIGHT, y - size - 7, RULE, 0.6);
    return y - size - 16;
  }
}

/** A section in the title page's contents. */
export interface ContentsEntry {
  label: string;
  page: number;
}
