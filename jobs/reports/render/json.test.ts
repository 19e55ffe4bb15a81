import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { renderJson } from "./json";
import { type ReportModel, ReportModelSchema, reportModelJsonSchema } from "./model";
import { sampleModel } from "./sample";

describe("renderJson", () => {
  it("round-trips through the schema", () => {
    const model = sampleModel();
    const text = renderJson(model);
    const parsed = ReportModelSchema.parse(JSON.parse(text));
    expect(parsed).toEqual(model);
    expect(renderJson(parsed)).toBe(text);
  });

  it("pretty-prints with 2 spaces and a final newline", () => {
    const text = renderJson(sampleModel());
    expect(text.startsWith('{\n  "type": "organization-summary",\n  "title": "Organisation summary",')).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("drops keys the schema does not know", () => {
    const model = { ...sampleModel(), secret: "internal", table: { ...sampleModel().table, debug: true } } as ReportModel;
    const parsed = JSON.parse(renderJson(model));
    expect(parsed).not.toHaveProperty("secret");
    expect(parsed.table).not.toHaveProperty("debug");
  });

  it("carries figures as numbers beside their formatted text, and ids beside names", () => {
    const json = JSON.parse(renderJson(sampleModel()));
    expect(json.summary[0]).toEqual({ key: "learners", label: "Learners", value: "1,248", number: 1248 });
    expect(json.summary[3]).toEqual({
      key: "skills_mastered_percent",
      label: "Skills mastered (mean per learner)",
      value: "58 %",
      number: 58,
    });
    const row = json.table.rows[0];
    expect(row).toMatchObject({ group_id: "engineering", group: "Engineering", kind_label: "Department" });
    for (const key of ["learners", "engagement_0_100", "at_risk_percent"]) expect(typeof row[key]).toBe("number");
    expect(json.table.columns[0]).toEqual({ key: "group_id", label: "Group id", pdf: false });
  });

  it("accepts date-times with an offset and optional charts", () => {
    const model: ReportModel = { ...sampleModel(), generatedAt: "2026-06-30T08:15:00+02:00", charts: {} };
    expect(JSON.parse(renderJson(model)).generatedAt).toBe("2026-06-30T08:15:00+02:00");
  });

  const invalid: [string, (m: ReportModel) => unknown][] = [
    ["an unknown type", (m) => ({ ...m, type: "weekly" })],
    ["an empty title", (m) => ({ ...m, title: "" })],
    ["a missing organisation", ({ organizationName: _, ...m }) => m],
    ["an unknown range label", (m) => ({ ...m, timeRange: { ...m.timeRange, label: "14d" } })],
    ["a date that is not ISO", (m) => ({ ...m, generatedAt: "30/06/2026" })],
    ["a date without time", (m) => ({ ...m, timeRange: { ...m.timeRange, from: "2026-05-31" } })],
    ["a range that ends before it starts", (m) => ({ ...m, timeRange: { ...m.timeRange, from: m.timeRange.to, to: m.timeRange.from } })],
    ["a summary value that is a number", (m) => ({ ...m, summary: [{ label: "Learners", value: 3 }] })],
    ["a negative histogram count", (m) => ({ ...m, charts: { scoreHistogram: { title: "h", bins: [{ from: 0, to: 1, count: -1 }] } } })],
    ["a fractional histogram count", (m) => ({ ...m, charts: { scoreHistogram: { title: "h", bins: [{ from: 0, to: 1, count: 2.5 }] } } })],
    ["an empty histogram", (m) => ({ ...m, charts: { scoreHistogram: { title: "h", bins: [] } } })],
    ["a negative funnel step", (m) => ({ ...m, charts: { completionFunnel: { title: "f", steps: [{ label: "a", value: -2 }] } } })],
    ["a NaN trend value", (m) => ({ ...m, charts: { engagementTrend: { title: "t", points: [{ label: "a", value: Number.NaN }] } } })],
    [
      "an infinite trend value",
      (m) => ({ ...m, charts: { engagementTrend: { title: "t", points: [{ label: "a", value: Number.POSITIVE_INFINITY }] } } }),
    ],
    ["a skill gap priority above 1", (m) => ({ ...m, charts: { skillGaps: { title: "g", items: [{ label: "a", value: 1.5 }] } } })],
    [
      "duplicate column keys",
      (m) => ({
        ...m,
        table: {
          ...m.table,
          columns: [
            { key: "a", label: "A" },
            { key: "a", label: "B" },
          ],
        },
      }),
    ],
    ["no columns", (m) => ({ ...m, table: { ...m.table, columns: [] } })],
    ["a column key that is not a snake_case name", (m) => ({ ...m, table: { ...m.table, columns: [{ key: "Score %", label: "Score" }] } })],
    ["no column shown in the PDF", (m) => ({ ...m, table: { ...m.table, columns: [{ key: "user_id", label: "User id", pdf: false }] } })],
    ["an unknown column format", (m) => ({ ...m, table: { ...m.table, columns: [{ key: "a", label: "A", format: "permille" }] } })],
    ["a figure key that is not a snake_case name", (m) => ({ ...m, summary: [{ key: "At risk", label: "At risk", value: "3" }] })],
    ["a figure number that is text", (m) => ({ ...m, summary: [{ key: "at_risk", label: "At risk", value: "3", number: "3" }] })],
    ["a cell that is an object", (m) => ({ ...m, table: { ...m.table, rows: [{ group: { name: "x" } }] } })],
    ["a cell that is a boolean", (m) => ({ ...m, table: { ...m.table, rows: [{ group: true }] } })],
  ];
  it.each(invalid)("rejects %s", (_, mutate) => {
    expect(() => renderJson(mutate(sampleModel()) as ReportModel)).toThrow(ZodError);
  });
});

describe("reportModelJsonSchema", () => {
  it("documents the fields", () => {
    const schema = reportModelJsonSchema() as { properties: Record<string, { description?: string }>; required: string[] };
    expect(schema.required).toEqual(
      expect.arrayContaining(["type", "title", "organizationName", "scopeLabel", "timeRange", "generatedAt", "summary", "charts", "table"]),
    );
    for (const key of Object.keys(schema.properties)) expect(schema.properties[key]!.description, key).toBeTruthy();
  });
});
