import { createRequire } from "node:module";
import path from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { describe, expect, it } from "vitest";
import { renderCsv, renderPdf } from "../render";
import { atRiskReport } from "./at-risk";
import type { EnrolledRow } from "./course-cohort";
import { coursePerformanceReport } from "./course-performance";

const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));

/** The text of every page, items joined with spaces (as the render tests read it). */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await getDocument({
    data: bytes.slice(),
    useSystemFonts: false,
    isEvalSupported: false,
    standardFontDataUrl: `${pdfjsDir}/standard_fonts/`,
    verbosity: 0,
  }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ("str" in item ? item.str : "")).join(" "));
  }
  await doc.destroy();
  return pages.join(" ");
}

const TITLES = new Map([
  ["c1", "TS-101 TypeScript Foundations"],
  ["c2", "SEC-110 Secure Coding Essentials"],
]);

interface Course {
  courseId: string;
  status: "not_started" | "in_progress" | "completed" | "withdrawn";
  progress: number;
  averageScore: number | null;
  atRisk: unknown;
}

/** A learner's stored analytics as the analyze step writes them, with what the course reports read. */
function metrics(courses: Course[], engagement = 60) {
  const units = new Array<number>(90).fill(0);
  units[85] = 2; // 2026-06-25, in the last week of the window
  const range = {
    from: "2026-05-31T00:00:00.000Z",
    to: "2026-06-30T00:00:00.000Z",
    unitsCompleted: 2,
    unitsPerWeek: 0.467,
    engagement: { score: engagement, components: {} },
    courses: courses.map((c) => ({
      courseId: c.courseId,
      unitsCompleted: 1,
      completed: false,
      averageScore: c.averageScore,
      scoredAttempts: 1,
    })),
  };
  return {
    daily: { from: "2026-04-01T00:00:00.000Z", units },
    ranges: { "7d": range, "30d": range, "90d": range },
    courses: courses.map((c) => ({
      ...c,
      title: TITLES.get(c.courseId) ?? null,
      unitsCompleted: 4,
      unitsTotal: 8,
      projectedCompletion: null,
    })),
  };
}

const row = (userId: string, name: string, courseId: string, courses: Course[], engagement?: number): EnrolledRow => ({
  userId,
  name,
  courseId,
  metrics: metrics(courses, engagement),
});

const input = (scopeType: "course" | "organization", timeRange: "7d" | "30d" = "30d") => ({
  request: { organizationId: "o1", type: "at-risk" as const, scopeType, scopeId: scopeType === "course" ? "c1" : "o1", timeRange },
  organization: undefined,
  titles: TITLES,
  base: {
    type: "at-risk" as const,
    organizationName: "Acme Learning GmbH",
    timeRange: { label: timeRange, from: "2026-05-31T00:00:00.000Z", to: "2026-06-30T00:00:00.000Z" },
    generatedAt: "2026-06-30T06:00:00.000Z",
  },
});

// One course, six learners: two at risk (one stored with labels, one from before labels were stored),
// two withdrawn (one stored at 100 % before statuses were), one completed, one not at risk.
const inProgress = (courseId: string, atRisk: unknown, averageScore: number | null = 0.72): Course => ({
  courseId,
  status: "in_progress",
  progress: 0.5,
  averageScore,
  atRisk,
});
const COURSE = [
  row("u1", "Ada", "c1", [
    inProgress("c1", {
      status: "at_risk",
      probability: 0.62,
      factors: [
        { feature: "sinceActivity", label: "No activity for", value: 0.18, display: "16 days", contribution: 0.9 },
        { feature: "lastMissed", label: "Missed the last assessment", value: 1, display: "yes", contribution: 0.5 },
      ],
    }),
  ]),
  row("u2", "Ben", "c1", [
    inProgress("c1", {
      probability: 0.91,
      factors: [
        { feature: "lastMissed", value: 1, contribution: 1.2 },
        { feature: "sinceActivity", value: 0.1, contribution: 0.4 },
        { feature: "weightedScore", value: 0.8, contribution: -0.3 },
      ],
    }),
  ]),
  row("u3", "Cleo", "c1", [
    {
      courseId: "c1",
      status: "withdrawn",
      progress: 0.25,
      averageScore: 0.4,
      atRisk: { probability: 1, factors: [{ feature: "withdrawn", value: 1, contribution: 3 }] },
    },
  ]),
  row("u4", "Dev", "c1", [
    { courseId: "c1", status: "completed", progress: 1, averageScore: 0.9, atRisk: { probability: 0, factors: [] } },
  ]),
  row("u5", "Eve", "c1", [inProgress("c1", { probability: 0.2, factors: [{ feature: "noScore", value: 1, contribution: 0.1 }] }, null)]),
  row("u6", "Finn", "c1", [
    {
      courseId: "c1",
      status: "withdrawn",
      progress: 0,
      averageScore: null,
      atRisk: { status: "withdrawn", probability: null, factors: [] },
    },
  ]),
];

describe("the at-risk report", () => {
  const model = atRiskReport(input("course"), COURSE);

  it("lists only enrolments at risk, highest probability first, never a withdrawn or completed one", () => {
    expect(model.table.rows.map((r) => r.learner)).toEqual(["Ben", "Ada"]);
    expect(model.table.rows.map((r) => r.risk_probability_0_1)).toEqual([0.91, 0.62]);
    expect(model.table.title).toBe("Learners at risk, highest risk first");
  });

  it("names the factors that raise the risk for people, and by code for machines", () => {
    expect(model.table.rows[0]).toMatchObject({
      user_id: "u2",
      course_id: "c1",
      course: "TS-101 TypeScript Foundations",
      // A factor that lowers the risk (weightedScore, −0.3) is not listed; a duration stored as a share of the course reads as such.
      factors: "Missed the last assessment; No activity for 10 % of the course",
      factor_codes: "lastMissed;sinceActivity",
    });
    // A flag reads as its label alone ("yes" is not shown).
    expect(model.table.rows[1]).toMatchObject({
      factors: "No activity for 16 days; Missed the last assessment",
      factor_codes: "sinceActivity;lastMissed",
    });
  });

  it("counts learners, at risk (2 of 6 = 33.3 %), withdrawn and completed apart", () => {
    const figures = Object.fromEntries(model.summary.map((f) => [f.key, f.number]));
    expect(figures).toMatchObject({ learners: 6, at_risk: 2, at_risk_percent: 33.3, withdrawn: 2, completed: 1 });
    expect(model.summary.find((f) => f.key === "at_risk")?.label).toBe("At risk (learners)");
    // One course: a learner is one enrolment, so no separate enrolment count.
    expect(figures).not.toHaveProperty("enrolments");
  });

  it("writes a CSV with ids beside names, the probability as a 0–1 number and the unit in the header", () => {
    const [header, first] = renderCsv(model).slice(1).split("\r\n");
    expect(header).toBe("user_id,learner,course_id,course,risk_probability_0_1,factors,factor_codes");
    expect(first).toBe(
      "u2,Ben,c1,TS-101 TypeScript Foundations,0.91,Missed the last assessment; No activity for 10 % of the course,lastMissed;sinceActivity",
    );
  });

  it("reads labels, not code names, in the PDF", async () => {
    const text = await pdfText(await renderPdf(model));
    for (const shown of [
      "Missed the last assessment;",
      "No activity for 10 % of the course",
      "No activity for 16 days",
      "91 %",
      "62 %",
      "Ben",
      "Ada",
    ])
      expect(text).toContain(shown);
    for (const hidden of ["lastMissed", "sinceActivity", "Cleo", "Finn", "u2"]) expect(text).not.toContain(hidden);
  });

  it("across courses, tells learners from enrolments: a learner in two courses is one learner, two enrolments", () => {
    const both = [
      inProgress("c1", { status: "at_risk", probability: 0.7, factors: [] }),
      inProgress("c2", { status: "at_risk", probability: 0.8, factors: [] }),
    ];
    const other = [inProgress("c1", { status: "not_at_risk", probability: 0.1, factors: [] })];
    const all = atRiskReport(input("organization"), [
      row("u1", "Ada", "c1", both),
      row("u1", "Ada", "c2", both),
      row("u2", "Ben", "c1", other),
    ]);
    const figures = Object.fromEntries(all.summary.map((f) => [f.key, f.number]));
    expect(figures).toMatchObject({ learners: 2, enrolments: 3, at_risk: 2, learners_at_risk: 1, at_risk_percent: 66.7 });
    expect(all.summary.find((f) => f.key === "at_risk")?.label).toBe("At risk (enrolments)");
    expect(all.table.title).toBe("Enrolments at risk, highest risk first");
    expect(all.table.rows.map((r) => [r.learner, r.course_id])).toEqual([
      ["Ada", "c2"],
      ["Ada", "c1"],
    ]);
    // Several courses: the PDF shows the course column.
    expect(all.table.columns.find((c) => c.key === "course")?.pdf).toBeUndefined();
  });
});

describe("the course performance report", () => {
  const model = coursePerformanceReport(input("course"), COURSE);

  it("labels statuses for people and keeps their codes and numbers for machines", () => {
    const ben = model.table.rows.find((r) => r.learner === "Ben");
    expect(ben).toEqual({
      user_id: "u2",
      learner: "Ben",
      course_id: "c1",
      course: "TS-101 TypeScript Foundations",
      status: "in_progress",
      status_label: "In progress",
      progress_percent: 50,
      score_percent: 72,
      engagement_0_100: 60,
      risk_status: "at_risk",
      risk_status_label: "At risk",
      risk_probability_0_1: 0.91,
    });
    const cleo = model.table.rows.find((r) => r.learner === "Cleo");
    expect(cleo).toMatchObject({
      status_label: "Withdrawn",
      risk_status: "withdrawn",
      risk_status_label: "Withdrawn",
      risk_probability_0_1: null,
    });
    expect(model.table.rows.find((r) => r.learner === "Dev")).toMatchObject({ status_label: "Completed", risk_status_label: "Completed" });
    expect(model.table.rows.map((r) => r.learner)).toEqual(["Ada", "Ben", "Cleo", "Dev", "Eve", "Finn"]);
  });

  it("states a completion rate of 1 in 6 and an at-risk share of 2 in 6, of learners", () => {
    const completion = model.summary.find((f) => f.key === "completion_rate_percent");
    expect(completion).toEqual({ key: "completion_rate_percent", label: "Completion rate (learners)", value: "17 %", number: 16.7 });
    expect(model.summary.find((f) => f.key === "at_risk_percent")?.number).toBe(33.3);
  });

  it("draws the four-step funnel and the histogram of four scores, and leaves out a one-point trend, stating its figure", () => {
    // 30 days of a 90-day window in weeks: five points, drawn.
    expect(Object.keys(model.charts).sort()).toEqual(["completionFunnel", "engagementTrend", "scoreHistogram"]);
    // 7 days: one weekly point (2 units on 06-25 for each of 6 learners: mean 2).
    const week = coursePerformanceReport(input("course", "7d"), COURSE);
    expect(week.charts.engagementTrend).toBeUndefined();
    expect(week.summary).toContainEqual({ label: "Units completed per week in any course (mean per learner), 06-23", value: "2" });
  });

  it("spends no page on a course of one learner: no histogram (its bin stated), no funnel, no one-point trend", async () => {
    const alone = coursePerformanceReport(input("course", "7d"), [COURSE[0]!]);
    expect(alone.charts).toEqual({});
    expect(alone.summary).toContainEqual({ label: "Average scores in the period (learners)", value: "70–80 % (one)" });
    const text = await pdfText(await renderPdf(alone));
    expect(text).toContain("70–80 % (one)");
    expect(text).not.toContain("Count"); // no chart axis anywhere
    expect(text).toContain("Page 2 of 2"); // the title page and the table
  });
});
