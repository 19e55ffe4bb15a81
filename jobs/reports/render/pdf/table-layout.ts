import type { TextKit } from "./text";
import { CONTENT_WIDTH } from "./theme";

/** Column widths and text size of the table: numbers are never truncated, text wraps and only then is truncated. */

/** Table text sizes, largest first: a smaller one is used when the columns do not fit. */
const TABLE_SIZES = [8.5, 7.5, 6.5];
export const CELL_PAD = 5;
/** Lines a text cell may wrap to before it is truncated. */
export const MAX_CELL_LINES = 3;
const MIN_COLUMN = 34;

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Column widths filling `total`. `natural`: what the widest cell (wrapped to MAX_CELL_LINES when
 * text) and the longest header word need; `preferred`: the header and every cell on one line, if
 * wider; `rigid`: columns that must keep their natural width (numbers are never truncated).
 * Preferred widths when they fit, then natural widths grown towards them (headers and text wrap); otherwise narrow text columns keep their natural width and the wide ones
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

/**
 * The width a cell asks for: a number its whole width (never wrapped); text may wrap to
 * `maxLines`, so about a `maxLines`-th of its width (a fifth more for lines that break early), and
 * at least its longest word.
 */
function cellWidth(text: string, numeric: boolean, font: TextKit["regular"], size: number): number {
  const whole = font.widthOfTextAtSize(text, size);
  if (numeric) return whole;
  const longestWord = Math.max(0, ...text.split(" ").map((word) => font.widthOfTextAtSize(word, size)));
  return Math.max(longestWord, Math.min(whole, (whole / MAX_CELL_LINES) * 1.2));
}

/** The largest text size at which the columns fit (numbers whole), else the smallest, scaled. */
export function tableLayout(labels: string[], cells: string[][], numeric: boolean[], kit: TextKit): TableLayout {
  const { regular, bold } = kit;
  let layout: TableLayout | null = null;
  for (const size of TABLE_SIZES) {
    const headerSize = size - 0.5;
    const natural = labels.map((label, i) => {
      const longestWord = Math.max(0, ...label.split(" ").map((word) => bold.widthOfTextAtSize(word, headerSize)));
      const widest = Math.max(0, ...cells.map((row) => cellWidth(row[i] ?? "", numeric[i] ?? false, regular, size)));
      return Math.max(longestWord, widest) + 2 * CELL_PAD;
    });
    // Preferred: the header and every cell on one line.
    const preferred = labels.map((label, i) =>
      Math.max(
        natural[i] ?? 0,
        bold.widthOfTextAtSize(label, headerSize) + 2 * CELL_PAD,
        Math.max(0, ...cells.map((row) => regular.widthOfTextAtSize(row[i] ?? "", size))) + 2 * CELL_PAD,
      ),
    );
    const widths = columnWidths(natural, preferred, numeric, CONTENT_WIDTH);
    if (widths) return { size, headerSize, widths };
    // Too many columns even at this size: scale the natural widths down (cells are truncated).
    const floor = natural.map((n) => Math.max(MIN_COLUMN, n));
    layout = { size, headerSize, widths: floor.map((f) => (f * CONTENT_WIDTH) / sum(floor)) };
  }
  return layout!;
}
