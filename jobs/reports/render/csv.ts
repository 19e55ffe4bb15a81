import { parseReportModel, type ReportModel, type TableCell } from "./model";

/**
 * CSV rendering of a report's table.
 *
 * - RFC 4180: records end with CRLF (the last one too); a field is enclosed in double quotes when
 *   it contains `,`, `"`, CR or LF, and a `"` inside it is doubled.
 * - UTF-8 with a byte order mark (U+FEFF first). Excel opens a BOM-less CSV in the local ANSI code
 *   page and garbles names like "Chloé"; with the BOM it reads UTF-8. Other tools (pandas with
 *   `encoding="utf-8-sig"`, LibreOffice, Google Sheets) accept or skip the BOM. Strip the first
 *   character if a consumer does not.
 * - First record: the column keys, machine names that carry the unit (`user_id`, `score_percent`,
 *   `engagement_0_100`, `probability_0_1`; the human labels are the PDF's); then one record per
 *   row, in column order, every column included (ids and codes too). A null or missing cell is an
 *   empty field (written `""` when it is the only column, so the record is not a blank line).
 * - Formula injection (OWASP "CSV Injection"): a TEXT cell that begins with
 *   `=`, `+`, `-`, `@`, tab or CR is prefixed with a single quote `'`, so a spreadsheet shows it as
 *   text instead of evaluating it (`=HYPERLINK(...)` is written `'=HYPERLINK(...)`). NUMBER cells
 *   are never prefixed: a negative number is written `-3.5` and stays a number in the spreadsheet;
 *   it cannot carry a formula. The consequence: text that merely looks numeric (`"-5"`) comes out
 *   as `'-5`, so builders should put numbers in the model as numbers.
 * - Numbers are written with JavaScript's shortest round-trip form (`String(n)`: `0.1`, `-2`,
 *   `1e+21`), with no thousands separators or locale.
 */

export const CSV_BOM = "\uFEFF";

const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Prefixes text that a spreadsheet would read as a formula with `'` (see the module comment). */
export function neutraliseFormula(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

/** One RFC 4180 field. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cellText(cell: TableCell | undefined): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "number") return String(cell);
  return neutraliseFormula(cell);
}

/** The report's table as CSV text, BOM included (encode it as UTF-8). Validates the model first. */
export function renderCsv(input: ReportModel): string {
  const { table } = parseReportModel(input);
  // A one-column record with an empty field would be a blank line, which many readers skip: quote it.
  const record = (fields: string[]) => (fields.length === 1 && fields[0] === "" ? '""\r\n' : `${fields.map(csvField).join(",")}\r\n`);
  // Keys are snake_case (the schema checks), so the header needs no neutralising.
  let out = CSV_BOM + record(table.columns.map((column) => column.key));
  for (const row of table.rows)
    out += record(table.columns.map((column) => cellText(Object.hasOwn(row, column.key) ? row[column.key] : undefined)));
  return out;
}
