import { formatDateTime, formatPeriod } from "./format";
import {
  ACCENT,
  BAND_TEXT,
  CONTENT_BOTTOM,
  CONTENT_LEFT,
  CONTENT_RIGHT,
  CONTENT_WIDTH,
  MUTED,
  PAGE_HEIGHT,
  PAGE_WIDTH,
  PANEL,
  RANGE_LABELS,
  RULE,
  TYPE_LABELS,
  WHITE,
} from "./theme";
import type { ContentsEntry, Writer } from "./writer";

/**
 * The title page: title band, details (organisation, scope, period, generation time), key figures,
 * and a contents filled in once the later pages are known. Returns the function that fills it.
 */
export function titlePage(w: Writer): (entries: ContentsEntry[]) => void {
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
      if (end > start)
        page.drawLine({ start: { x: start, y: y + 2 }, end: { x: end, y: y + 2 }, thickness: 0.5, color: RULE, dashArray: [1, 2] });
      w.text(pageLabel, CONTENT_RIGHT, y, { size: 10, color: MUTED, align: "right" });
      y -= 4;
    }
    w.page = saved;
  };
}
