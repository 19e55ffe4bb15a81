import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import fc from "fast-check";
import { getDocument, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";
import { describe, expect, it } from "vitest";
import { type ReportModel, ReportModelSchema } from "./model";
import { formatNumber, renderPdf, sanitizeWinAnsi } from "./pdf";
import { sampleModel } from "./sample";

// pdfjs-dist 4 in Node 20: the legacy build (the modern one needs Node 22 APIs such as
// Promise.withResolvers); no worker setup is needed (it falls back to a "fake worker" in the same
// thread); `standardFontDataUrl` is a directory path (trailing slash) read with fs, given so pdfjs
// does not warn about the non-embedded Helvetica. It warns once that it cannot polyfill DOMMatrix
// (no @napi-rs/canvas): only rendering to a canvas needs it, text and operator lists do not.
const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));

interface ParsedPage {
  /** Text items in content order. */
  items: string[];
  /** The items joined with spaces. */
  text: string;
  ops: number[];
}

async function parsePdf(bytes: Uint8Array) {
  // pdfjs transfers (detaches) the buffer it is given: pass a copy.
  const doc = await getDocument({
    data: bytes.slice(),
    useSystemFonts: false,
    isEvalSupported: false,
    standardFontDataUrl: `${pdfjsDir}/standard_fonts/`,
    verbosity: 0,
  }).promise;
  const pages: ParsedPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    const items = content.items.flatMap((item) => ("str" in item && item.str.length > 0 ? [item.str] : []));
    const operators = await page.getOperatorList();
    pages.push({ items, text: items.join(" "), ops: operators.fnArray });
  }
  const info = (await doc.getMetadata()).info as Record<string, unknown>;
  await doc.destroy();
  return { pages, info };
}

const count = (ops: number[], op: number) => ops.filter((o) => o === op).length;

function withRows(model: ReportModel, n: number): ReportModel {
  return {
    ...model,
    table: {
      ...model.table,
      rows: Array.from({ length: n }, (_, i) => ({
        group_id: `g-${i}`,
        group: `Learner group ${String(i + 1).padStart(3, "0")}`,
        kind_label: i % 3 === 0 ? "Course" : "Department",
        learners: 10 + i,
        engagement_0_100: (i * 7) % 100,
        completion_rate_percent: null,
        at_risk_percent: null,
      })),
    },
  };
}

describe("renderPdf", () => {
  it("writes a title page with title, organisation, scope, period, generation time and key figures", async () => {
    const model = sampleModel();
    const { pages, info } = await parsePdf(await renderPdf(model));
    const title = pages[0]!.text;
    expect(title).toContain("Organisation summary");
    expect(title).toContain("Acme Learning GmbH");
    expect(title).toContain("All departments and courses of Acme Learning GmbH");
    expect(title).toContain("31 May 2026 – 30 Jun 2026");
    expect(title).toContain("last 30 days");
    expect(title).toContain("30 Jun 2026, 06:15 UTC");
    for (const figure of model.summary) {
      expect(pages[0]!.items).toContain(figure.label);
      expect(pages[0]!.items).toContain(figure.value);
    }
    // Contents with the page of each section.
    expect(pages[0]!.items).toContain("Departments, courses and cohorts");
    expect(info.Title).toBe("Organisation summary");
    expect(info.Author).toBe("Learning Analytics API");
    expect(info.Creator).toBe("Learning Analytics API");
    expect(info.Producer).toMatch(/Learning Analytics API/);
    expect(info.CreationDate).toBe("D:20260630061500Z");
    expect(info.ModDate).toBe("D:20260630061500Z");
  });

  it("draws every chart as vector graphics with titles, axis labels and values", async () => {
    const model = sampleModel();
    const { pages } = await parsePdf(await renderPdf(model));
    const charts = model.charts;
    // After the title page (whose contents also lists the chart titles).
    const pageWith = (title: string) => pages.findIndex((p, i) => i > 0 && p.items.includes(title));
    const histogram = pages[pageWith(charts.scoreHistogram!.title)]!;
    const funnel = pages[pageWith(charts.completionFunnel!.title)]!;
    const trend = pages[pageWith(charts.engagementTrend!.title)]!;
    const gaps = pages[pageWith(charts.skillGaps!.title)]!;
    for (const page of [histogram, funnel, trend, gaps]) expect(pages.indexOf(page)).toBeGreaterThan(0);

    // Histogram: y-axis title and ticks, bin edges, bar values.
    expect(histogram.items).toEqual(expect.arrayContaining(["Count", "0", "0.5", "1", "112", "41"]));
    // Funnel: step labels, values with the share of the first step.
    expect(funnel.items).toEqual(
      expect.arrayContaining(["Enrolled", "Completed", "1,248", "571 (46 %)", "Count (share of the first step)"]),
    );
    // Trend: x labels (some of the dates) and the highest value.
    expect(trend.items).toEqual(expect.arrayContaining(["05-31", "06-14", "69.7"]));
    // Skill gaps: labels, values and the 0–1 axis.
    expect(gaps.items).toEqual(expect.arrayContaining(["Threat modelling", "0.91", "0.25", "0.75", "Priority (0 = none, 1 = highest)"]));
    expect(gaps.items).toContain("Négociation commerciale");

    // Vector drawing: paths filled (bars) and stroked (axes, grid, the trend line), no images.
    const chartPages = [...new Set([histogram, funnel, trend, gaps])];
    for (const page of chartPages) {
      expect(count(page.ops, OPS.constructPath)).toBeGreaterThan(20);
      expect(count(page.ops, OPS.fill)).toBeGreaterThan(4);
      expect(count(page.ops, OPS.stroke)).toBeGreaterThan(10);
    }
    expect(count(histogram.ops, OPS.fill)).toBeGreaterThanOrEqual(charts.scoreHistogram!.bins.length);
    // The trend's point markers are circles (Bézier curves), one filled-and-stroked path each.
    expect(count(trend.ops, OPS.fillStroke)).toBeGreaterThanOrEqual(charts.engagementTrend!.points.length);
    for (const page of pages) {
      expect(page.ops).not.toContain(OPS.paintImageXObject);
      expect(page.ops).not.toContain(OPS.paintInlineImageXObject);
    }
  });

  it("breaks a long table across pages, repeating the header row on every table page", async () => {
    const model = withRows(sampleModel(), 120);
    const { pages } = await parsePdf(await renderPdf(model));
    expect(pages.length).toBeGreaterThan(1);
    const first = pages.findIndex((p, i) => i > 0 && p.items.includes(model.table.title));
    const tablePages = pages.slice(first);
    expect(tablePages.length).toBeGreaterThanOrEqual(3);
    for (const page of tablePages) {
      // Long headings wrap in their narrow columns: check their words.
      for (const label of ["Group", "Kind", "Learners"]) expect(page.items).toContain(label);
      for (const word of ["engagement", "Completion", "At-risk"]) expect(page.text).toContain(word);
    }
    for (const page of tablePages.slice(1)) expect(page.items).toContain(`${model.table.title} (continued)`);
    // Every row once, in order, across the table pages.
    const groups = tablePages.flatMap((p) => p.items.filter((s) => s.startsWith("Learner group ")));
    expect(groups).toEqual(model.table.rows.map((r) => r.group));
    // Null cells show as a dash, numbers right-aligned as text.
    expect(tablePages[0]!.items).toContain("–");
  });

  it("shows percentages with their sign, leaves machine columns out and reads statuses and factors by their labels", async () => {
    const model: ReportModel = {
      ...sampleModel(),
      table: {
        title: "Learners at risk, highest risk first",
        columns: [
          { key: "user_id", label: "User id", pdf: false },
          { key: "learner", label: "Learner" },
          { key: "score_percent", label: "Average score", format: "percent" },
          { key: "risk_probability_0_1", label: "At-risk probability", format: "share" },
          { key: "risk_status", label: "Risk status code", pdf: false },
          { key: "risk_status_label", label: "Risk" },
          { key: "factors", label: "What raises the risk" },
          { key: "factor_codes", label: "Factor codes", pdf: false },
        ],
        rows: [
          {
            user_id: "3f2a9c1e-user",
            learner: "Chloé Dupont",
            score_percent: 41.6,
            risk_probability_0_1: 0.8312,
            risk_status: "at_risk",
            risk_status_label: "At risk",
            factors: "Missed the last assessment",
            factor_codes: "lastMissed",
          },
        ],
      },
    };
    const { pages } = await parsePdf(await renderPdf(model));
    const table = pages.at(-1)!;
    // 41.6 → "42 %" (percent 0–100), 0.8312 → "83 %" (share 0–1).
    expect(table.items).toEqual(expect.arrayContaining(["Chloé Dupont", "42 %", "83 %", "At risk", "Missed the last assessment"]));
    const all = pages.map((p) => p.text).join(" ");
    for (const hidden of ["3f2a9c1e-user", "User id", "at_risk", "lastMissed", "Factor codes", "Risk status code"])
      expect(all).not.toContain(hidden);
  });

  it('numbers every page "Page N of M" in the footer', async () => {
    const { pages } = await parsePdf(await renderPdf(withRows(sampleModel(), 120)));
    pages.forEach((page, i) => expect(page.items).toContain(`Page ${i + 1} of ${pages.length}`));
  });

  it("wraps long cell text to three lines and truncates the rest with an ellipsis", async () => {
    const model = sampleModel();
    const long = `A remarkably long course title ${"that keeps going ".repeat(30)}END`;
    model.table.rows[0] = { ...model.table.rows[0]!, group: long };
    const { pages } = await parsePdf(await renderPdf(model));
    const items = pages.flatMap((p) => p.items);
    const first = items.findIndex((s) => s.startsWith("A remarkably long course title"));
    expect(first).toBeGreaterThan(-1);
    // The cell's lines come in order in the row's text: the first, then two more whose last ends in "…".
    const cell = items
      .slice(first)
      .filter((s) => /keeps|going|remarkably/.test(s))
      .slice(0, 3);
    expect(cell).toHaveLength(3);
    expect(cell[2]!.endsWith("…")).toBe(true);
    expect(cell.join(" ").length).toBeLessThan(long.length);
    expect(items.join(" ")).not.toContain("END");
  });

  it("shows a learner's factors whole in a narrow column", async () => {
    const factors = "Missed the last assessment; No activity for 16 days; Average score 42 %";
    const model: ReportModel = {
      ...sampleModel(),
      table: {
        title: "Courses",
        columns: [
          { key: "course", label: "Course" },
          { key: "status_label", label: "Status" },
          { key: "progress_percent", label: "Progress", format: "percent" },
          { key: "score_percent", label: "Average score in the period", format: "percent" },
          { key: "risk_status_label", label: "Risk" },
          { key: "risk_probability_0_1", label: "At-risk probability", format: "share" },
          { key: "factors", label: "What raises the risk" },
          { key: "projected_completion_date", label: "Projected completion" },
        ],
        rows: [
          {
            course: "TS-101 TypeScript Foundations",
            status_label: "In progress",
            progress_percent: 50,
            score_percent: 72,
            risk_status_label: "At risk",
            risk_probability_0_1: 0.83,
            factors,
            projected_completion_date: "2026-07-14",
          },
        ],
      },
    };
    const { pages } = await parsePdf(await renderPdf(model));
    const text = pages.at(-1)!.items.join(" ");
    for (const word of factors.split(" ")) expect(text).toContain(word);
    expect(text).not.toContain("…");
  });

  it("never throws on characters outside WinAnsi: keeps é, replaces ✓ and emoji with ?", async () => {
    const model = sampleModel();
    model.title = "Progrès ✓ Überblick";
    model.organizationName = "Chloé & Zoë Ltd. 🚀";
    model.scopeLabel = "Course 中文 101 — “quoted” ≥ 50 %";
    model.summary[0] = { label: "Learners ✓", value: "≥ 1 000" };
    model.table.rows[0] = { ...model.table.rows[0]!, group: "Chloé Dupont\u0000\ttab\r\nnewline ✓" };
    model.charts.skillGaps!.items[0] = { label: "Ωmega → Ψ", value: 0.5 };
    const bytes = await renderPdf(model);
    const { pages, info } = await parsePdf(bytes);
    expect(pages[0]!.text).toContain("Progrès ? Überblick");
    expect(pages[0]!.text).toContain("Chloé & Zoë Ltd. ?");
    expect(pages[0]!.text).toContain("Course ?? 101 — “quoted” >= 50 %");
    expect(pages[0]!.items).toContain(">= 1 000");
    const all = pages.flatMap((p) => p.items);
    expect(all).toContain("Chloé Dupont? tab newline ?");
    expect(all).toContain("?mega -> ?");
    // The metadata is UTF-16 and keeps the original.
    expect(info.Title).toBe("Progrès ✓ Überblick");
  });

  it("gives byte-identical files for the same model", async () => {
    const a = await renderPdf(sampleModel());
    const b = await renderPdf(structuredClone(sampleModel()));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
    expect(sha(a)).toBe(sha(b));
    // …and a different file when the model changes.
    expect(sha(await renderPdf({ ...sampleModel(), generatedAt: "2026-06-30T06:16:00.000Z" }))).not.toBe(sha(a));
  });

  it("renders a report without charts, figures or rows", async () => {
    const model: ReportModel = {
      ...sampleModel(),
      summary: [],
      charts: {},
      table: { title: "Learners", columns: [{ key: "learner", label: "Learner" }], rows: [] },
    };
    const { pages } = await parsePdf(await renderPdf(model));
    expect(pages).toHaveLength(2);
    expect(pages[1]!.items).toEqual(expect.arrayContaining(["Learners", "Learner", "0 rows", "No rows for this period.", "Page 2 of 2"]));
  });

  it("draws extreme chart values without NaN coordinates", async () => {
    const max = Number.MAX_VALUE;
    const model: ReportModel = {
      ...sampleModel(),
      charts: {
        scoreHistogram: { title: "h", bins: [{ from: -max, to: max, count: 0 }] },
        completionFunnel: {
          title: "f",
          steps: [
            { label: "all zero", value: 0 },
            { label: "huge", value: max },
          ],
        },
        engagementTrend: {
          title: "t",
          points: [
            { label: "a", value: -max },
            { label: "b", value: max },
            { label: "c", value: 5e-324 },
          ],
        },
        skillGaps: { title: "g", items: [{ label: "none", value: 0 }] },
      },
    };
    const raw = Buffer.from(await renderPdf(model)).toString("latin1");
    expect(raw).not.toMatch(/NaN|Infinity/);
    const single: ReportModel = {
      ...sampleModel(),
      charts: {
        engagementTrend: { title: "t", points: [{ label: "only", value: 3 }] },
        scoreHistogram: { title: "h", bins: [{ from: 0, to: 1, count: 7 }] },
      },
    };
    const { pages } = await parsePdf(await renderPdf(single));
    expect(pages[1]!.items).toEqual(expect.arrayContaining(["only", "3", "7"]));
  });

  it("rejects an invalid model", async () => {
    await expect(renderPdf({ ...sampleModel(), generatedAt: "yesterday" })).rejects.toThrow();
  });

  it("draws any valid model: odd text, degenerate and extreme chart values, many columns", async () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.string({ unit: fc.constantFrom("a", " ", "é", "✓", "\n", "W", "-", "…", "😀"), maxLength: 400 }),
    );
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -5, max: 5 }));
    const model = fc.record({
      title: text.filter((t) => t.length > 0),
      organizationName: text,
      scopeLabel: text,
      summary: fc.array(fc.record({ label: text.filter((t) => t.length > 0), value: text }), { maxLength: 20 }),
      bins: fc.array(fc.record({ from: value, to: value, count: fc.nat({ max: 10_000 }) }), { minLength: 1, maxLength: 60 }),
      steps: fc.array(fc.record({ label: text, value: fc.double({ min: 0, max: 1e12, noNaN: true }) }), { minLength: 1, maxLength: 70 }),
      points: fc.array(fc.record({ label: text, value }), { minLength: 1, maxLength: 120 }),
      items: fc.array(fc.record({ label: text, value: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 10 }),
      columns: fc.integer({ min: 1, max: 14 }),
      rows: fc.array(fc.array(fc.oneof(text, value, fc.constant(null)), { minLength: 14, maxLength: 14 }), { maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(model, async (m) => {
        const columns = Array.from({ length: m.columns }, (_, i) => ({ key: `c${i}`, label: `Column ${i} ${m.title}` }));
        const input = ReportModelSchema.parse({
          ...sampleModel(),
          title: m.title,
          organizationName: m.organizationName,
          scopeLabel: m.scopeLabel,
          summary: m.summary,
          charts: {
            scoreHistogram: { title: m.title, bins: m.bins },
            completionFunnel: { title: "f", steps: m.steps },
            engagementTrend: { title: "t", points: m.points },
            skillGaps: { title: "g", items: m.items },
          },
          table: { title: m.title, columns, rows: m.rows.map((cells) => Object.fromEntries(columns.map((c, i) => [c.key, cells[i]!]))) },
        });
        const bytes = await renderPdf(input);
        const raw = Buffer.from(bytes).toString("latin1");
        expect(raw.startsWith("%PDF-")).toBe(true);
        expect(raw).not.toMatch(/NaN|Infinity/);
      }),
      { numRuns: 40, seed: 20260630 },
    );
  });
});

describe("sanitizeWinAnsi", () => {
  const charset = new Set([...Array.from({ length: 95 }, (_, i) => 0x20 + i), 0xe9, 0x2026, 0x2013]);
  it("keeps WinAnsi, transliterates a few typographic characters, replaces the rest by ?", () => {
    expect(sanitizeWinAnsi("Chloé", charset)).toBe("Chloé");
    expect(sanitizeWinAnsi("Chloe\u0301", charset)).toBe("Chloé"); // NFC
    expect(sanitizeWinAnsi("✓ ok 😀", charset)).toBe("? ok ?");
    expect(sanitizeWinAnsi("≥ 50\u202F%", charset)).toBe(">= 50 %");
    expect(sanitizeWinAnsi("a\r\nb\tc\u0007\nd", charset)).toBe("a b c? d");
  });
});

describe("formatNumber", () => {
  it("groups thousands, keeps at most two decimals and small values visible", () => {
    expect(formatNumber(1248)).toBe("1,248");
    expect(formatNumber(-1234567.891)).toBe("-1,234,567.89");
    expect(formatNumber(0.30000000000000004)).toBe("0.3");
    expect(formatNumber(0.004)).toBe("0.004");
    expect(formatNumber(-0.0001)).toBe("-0.0001");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(1e21)).toBe("1e+21");
  });
});
