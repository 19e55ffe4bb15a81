import type { PDFFont } from "pdf-lib";

/**
 * Text as the standard fonts can draw it: WinAnsi sanitising, truncating with "…", wrapping.
 *
 * Fonts are the standard Helvetica / Helvetica-Bold (not embedded; viewers substitute a metric
 * compatible face). They encode WinAnsi (Windows-1252) only: text is NFC-normalised, a few
 * typographic characters are transliterated (`≥` → `>=`, `−` → `-`, narrow spaces → space) and any
 * other character the font cannot encode becomes `?` — so "Chloé" prints as is, "✓" as "?". The
 * document metadata (title, subject) is UTF-16 and keeps the original text.
 */

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
export function truncate(text: string, font: PDFFont, size: number, maxWidth: number): string {
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
export function wrap(text: string, font: PDFFont, size: number, maxWidth: number, maxLines = Infinity): string[] {
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
