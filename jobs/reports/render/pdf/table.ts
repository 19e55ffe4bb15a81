import type { ReportTable, TableCell } from "../model";
import { formatNumber } from "./format";
import { CELL_PAD, MAX_CELL_LINES, sum, tableLayout } from "./table-layout";
import { wrap } from "./text";
import { ACCENT, CONTENT_BOTTOM, CONTENT_LEFT, CONTENT_RIGHT, CONTENT_WIDTH, MUTED, PANEL, RULE, WHITE } from "./theme";
import type { Align, ContentsEntry, Writer } from "./writer";

/** The table: breaks across pages with its header row repeated, long text cells wrapped to three lines, then truncated with "…". */

const ROW_HEIGHT = 16;
/** The gap between the lines of a wrapped cell. */
const LINE_GAP = 2.5;

type Column = ReportTable["columns"][number];

/** A cell as read: a column's `format` shows its numbers as percentages (`percent` 0–100, `share` 0–1). */
function cellText(cell: TableCell | undefined, format: Column["format"]): string {
  if (cell === null || cell === undefined) return "–";
  if (typeof cell !== "number") return cell;
  if (format === "percent") return `${formatNumber(cell, 0)} %`;
  if (format === "share") return `${formatNumber(cell * 100, 0)} %`;
  return formatNumber(cell);
}

export function drawTable(w: Writer, contents: ContentsEntry[]): void {
  const { table } = w.model;
  const { bold } = w.kit;
  // Columns for machines (ids, codes) are in the CSV and JSON only.
  const columns = table.columns.filter((c) => c.pdf !== false);
  const cells = table.rows.map((row) =>
    columns.map((c) => w.clean(cellText(Object.hasOwn(row, c.key) ? row[c.key] : undefined, c.format))),
  );
  const numeric = columns.map(
    (c) =>
      table.rows.some((r) => typeof r[c.key] === "number") &&
      table.rows.every((r) => typeof r[c.key] === "number" || r[c.key] === null || r[c.key] === undefined),
  );
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
      lines.forEach((line, j) =>
        w.text(line, cellX(i), top - 5.5 - headerSize - j * headerLeading, { size: headerSize, font: bold, color: WHITE, align: align(i) }),
      );
    });
    w.y = top - headerHeight;
  };

  w.newPage();
  contents.push({ label: table.title || "Table", page: w.pages.length });
  w.y = w.heading(table.title || "Table", w.y);
  w.text(`${formatNumber(table.rows.length, 0)} ${table.rows.length === 1 ? "row" : "rows"}`, CONTENT_LEFT, w.y - 2, {
    size: 8.5,
    color: MUTED,
  });
  w.y -= 14;
  drawHeader();
  if (cells.length === 0) {
    w.text("No rows for this period.", CONTENT_LEFT + CELL_PAD, w.y - 16, { size: 8.5, color: MUTED });
    w.y -= ROW_HEIGHT + 4;
  }
  // Text wraps to MAX_CELL_LINES (a learner's factors, a long course title), then is truncated; numbers keep one line.
  const cellLines = (text: string, i: number) =>
    numeric[i] ? [text] : wrap(text, w.kit.regular, size, (widths[i] ?? 0) - 2 * CELL_PAD, MAX_CELL_LINES);
  cells.forEach((cellsOfRow, r) => {
    const row = cellsOfRow.map(cellLines);
    const rowHeight = ROW_HEIGHT + (Math.max(1, ...row.map((lines) => lines.length)) - 1) * (size + LINE_GAP);
    if (w.y - rowHeight < CONTENT_BOTTOM) {
      w.newPage();
      w.text(`${table.title || "Table"} (continued)`, CONTENT_LEFT, w.y - 10, {
        size: 9.5,
        font: bold,
        color: MUTED,
        maxWidth: CONTENT_WIDTH,
      });
      w.y -= 18;
      drawHeader();
    }
    const top = w.y;
    if (r % 2 === 1) w.rect(CONTENT_LEFT, top - rowHeight, CONTENT_WIDTH, rowHeight, PANEL);
    row.forEach((lines, i) =>
      lines.forEach((line, j) =>
        w.text(line, cellX(i), top - 11 - j * (size + LINE_GAP), { size, align: align(i), maxWidth: (widths[i] ?? 0) - 2 * CELL_PAD }),
      ),
    );
    w.y = top - rowHeight;
  });
  w.line(CONTENT_LEFT, w.y, CONTENT_RIGHT, w.y, RULE, 0.6);
}
