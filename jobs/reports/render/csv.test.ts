import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CSV_BOM, renderCsv } from "./csv";
import type { ReportModel } from "./model";
import { sampleModel } from "./sample";

/**
 * A strict RFC 4180 parser: records end with CRLF (the last one too), quoted fields may hold
 * anything with `"` doubled; a bare CR or LF, or a quote inside an unquoted field, is an error.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r") {
        if (text[i] === '"' || text[i] === "\n") throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ",") i++;
    else if (text.startsWith("\r\n", i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`expected , or CRLF at ${i}`);
  }
  if (record.length > 0) throw new Error("last record without CRLF");
  return records;
}

function csvOf(model: ReportModel): string[][] {
  const text = renderCsv(model);
  expect(text.startsWith(CSV_BOM)).toBe(true);
  return parseCsv(text.slice(CSV_BOM.length));
}

function tableModel(columns: ReportModel["table"]["columns"], rows: ReportModel["table"]["rows"]): ReportModel {
  return { ...sampleModel(), table: { title: "T", columns, rows } };
}

const TRIGGER = /^[=+\-@\t\r]/;

describe("renderCsv", () => {
  it("writes a BOM, the column keys and the rows with CRLF line ends", () => {
    const model = sampleModel();
    const text = renderCsv(model);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
    const [header, ...rows] = csvOf(model);
    // Machine names with their units, every column (the id the PDF leaves out too).
    expect(header).toEqual([
      "group_id",
      "group",
      "kind_label",
      "learners",
      "engagement_0_100",
      "completion_rate_percent",
      "at_risk_percent",
    ]);
    expect(rows).toEqual(model.table.rows.map((row) => model.table.columns.map((c) => (row[c.key] === null ? "" : String(row[c.key])))));
    expect(rows).toHaveLength(60);
  });

  it("writes figures as plain numbers under a header that names their unit", () => {
    const model = tableModel(
      [
        { key: "user_id", label: "User id", pdf: false },
        { key: "learner", label: "Learner" },
        { key: "score_percent", label: "Average score", format: "percent" },
        { key: "engagement_0_100", label: "Engagement" },
        { key: "risk_probability_0_1", label: "At-risk probability", format: "share" },
        { key: "projected_completion_date", label: "Projected completion" },
      ],
      [
        {
          user_id: "u-1",
          learner: "Chloé Dupont",
          score_percent: 72.5,
          engagement_0_100: 84,
          risk_probability_0_1: 0.8312,
          projected_completion_date: "2026-07-14",
        },
        {
          user_id: "u-2",
          learner: "Ben Okafor",
          score_percent: null,
          engagement_0_100: 0,
          risk_probability_0_1: null,
          projected_completion_date: null,
        },
      ],
    );
    expect(csvOf(model)).toEqual([
      ["user_id", "learner", "score_percent", "engagement_0_100", "risk_probability_0_1", "projected_completion_date"],
      ["u-1", "Chloé Dupont", "72.5", "84", "0.8312", "2026-07-14"],
      ["u-2", "Ben Okafor", "", "0", "", ""],
    ]);
    // No cell carries a unit or a percent sign: a spreadsheet or pandas reads the numbers as numbers.
    expect(renderCsv(model)).not.toContain("%");
  });

  it("neutralises text cells that a spreadsheet would run as a formula", () => {
    const model = tableModel(
      [
        { key: "name", label: "=Name (the PDF's heading; the CSV's is the key)" },
        { key: "n", label: "Value" },
      ],
      [
        { name: '=HYPERLINK("http://evil")', n: -3.5 },
        { name: "+cmd", n: -0 },
        { name: "-2+3", n: 1e21 },
        { name: "@SUM(A1)", n: 0.1 },
        { name: "\tTAB", n: null },
        { name: "\rCR", n: 42 },
        { name: "-5", n: -5 },
        { name: "a=b", n: 1 },
        { name: "'=already quoted", n: 2 },
      ],
    );
    const records = csvOf(model);
    expect(records[0]).toEqual(["name", "n"]);
    expect(records.slice(1)).toEqual([
      ['\'=HYPERLINK("http://evil")', "-3.5"],
      ["'+cmd", "0"],
      ["'-2+3", "1e+21"],
      ["'@SUM(A1)", "0.1"],
      ["'\tTAB", ""],
      ["'\rCR", "42"],
      // Text that looks like a negative number is text, and neutralised; the number stays a number.
      ["'-5", "-5"],
      ["a=b", "1"],
      ["'=already quoted", "2"],
    ]);
    expect(renderCsv(model)).toContain('"\'=HYPERLINK(""http://evil"")",-3.5\r\n');
  });

  it("quotes commas, quotes, CR and LF, and they round-trip", () => {
    const values = ["Dupont, Chloé", 'She said "hi"', "line 1\nline 2", "cr\ronly", "crlf\r\nend", "", " padded ", "Zoë ✓ 😀"];
    const model = tableModel(
      [{ key: "v", label: "Value, quoted" }],
      values.map((v) => ({ v })),
    );
    const text = renderCsv(model);
    expect(text).toContain('"Dupont, Chloé"\r\n');
    expect(text).toContain('"She said ""hi"""\r\n');
    expect(text).toContain('"line 1\nline 2"\r\n');
    // A lone empty field is quoted so the record is not a blank line.
    expect(text).toContain('\r\n""\r\n');
    expect(csvOf(model)).toEqual([["v"], ...values.map((v) => [v])]);
  });

  it("writes missing and null cells as empty fields and ignores keys of no column", () => {
    const model = tableModel(
      [
        { key: "a", label: "A" },
        { key: "b", label: "B" },
      ],
      [{ a: "x" }, { b: null, c: "ignored" }, {}],
    );
    expect(csvOf(model)).toEqual([
      ["a", "b"],
      ["x", ""],
      ["", ""],
      ["", ""],
    ]);
  });

  it("round-trips any table of strings (after undoing the neutralising prefix)", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 30 }),
      fc.string({ unit: fc.constantFrom(",", '"', "\r", "\n", "\t", "=", "+", "-", "@", "'", " ", "a", "é", "😀"), maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.array(text, { minLength: 6, maxLength: 6 }), { maxLength: 20 }),
        fc.array(text, { minLength: 6, maxLength: 6 }),
        (n, cells, labels) => {
          const columns = labels.slice(0, n).map((label, i) => ({ key: `k${i}`, label }));
          const rows = cells.map((row) => Object.fromEntries(columns.map((c, i) => [c.key, row[i]!])));
          const [header, ...parsed] = csvOf(tableModel(columns, rows));
          const undo = (original: string, written: string) => {
            if (!TRIGGER.test(original)) return written;
            expect(written.startsWith("'")).toBe(true);
            return written.slice(1);
          };
          expect(header).toEqual(columns.map((c) => c.key));
          expect(parsed.map((row, r) => row.map((cell, i) => undo(rows[r]![`k${i}`] as string, cell)))).toEqual(
            rows.map((row) => columns.map((c) => row[c.key])),
          );
        },
      ),
      { numRuns: 300, seed: 4180 },
    );
  });
});
