import { describe, expect, it } from "vitest";
import { type ReportFormat, render } from "./index";
import { ReportModelSchema } from "./model";
import { sampleModel } from "./sample";

describe("render", () => {
  it.each([
    ["pdf", "application/pdf", [0x25, 0x50, 0x44, 0x46]], // %PDF
    ["csv", "text/csv; charset=utf-8; header=present", [0xef, 0xbb, 0xbf]], // UTF-8 BOM
    ["json", "application/json; charset=utf-8", [0x7b]], // {
  ] as const)("renders %s", async (format, contentType, magic) => {
    const file = await render(sampleModel(), format);
    expect(file.contentType).toBe(contentType);
    expect(file.extension).toBe(format);
    expect(file.bytes).toBeInstanceOf(Uint8Array);
    expect([...file.bytes.slice(0, magic.length)]).toEqual([...magic]);
    // Same model, same bytes.
    expect(Buffer.from((await render(sampleModel(), format)).bytes).equals(Buffer.from(file.bytes))).toBe(true);
  });

  it("encodes CSV and JSON as UTF-8", async () => {
    const model = sampleModel();
    const csv = new TextDecoder().decode((await render(model, "csv")).bytes);
    expect(csv).toContain("Support (Zürich)");
    const json = new TextDecoder().decode((await render(model, "json")).bytes);
    expect(JSON.parse(json).table.rows[9].group).toBe("Support (Zürich)");
  });

  it("rejects an unknown format", async () => {
    await expect(render(sampleModel(), "xlsx" as ReportFormat)).rejects.toThrow(/Unknown report format/);
  });
});

describe("sampleModel", () => {
  it("is a valid, deterministic organisation summary with all four charts and 60 rows", () => {
    const model = sampleModel();
    expect(ReportModelSchema.parse(model)).toEqual(model);
    expect(model.type).toBe("organization-summary");
    expect(Object.keys(model.charts).sort()).toEqual(["completionFunnel", "engagementTrend", "scoreHistogram", "skillGaps"]);
    expect(model.table.rows).toHaveLength(60);
    expect(sampleModel()).toEqual(model);
  });
});
