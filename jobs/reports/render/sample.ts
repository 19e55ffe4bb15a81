import type { ReportModel } from "./model";

/**
 * A realistic organisation-summary report model with all four charts and 60 table rows, for tests,
 * previews and the README picture. Deterministic: the same model on every call (no clock, a fixed
 * pseudo-random sequence).
 *
 *   npx tsx -e 'import { render } from "./jobs/reports/render/index.ts"; import { sampleModel } from "./jobs/reports/render/sample.ts"; import { writeFileSync } from "node:fs"; render(sampleModel(), "pdf").then((f) => writeFileSync("sample.pdf", f.bytes));'
 *   pdftoppm -r 110 -png -f 1 -l 3 sample.pdf page   # PNGs of the title page and the charts
 */
export function sampleModel(): ReportModel {
  // Park–Miller minimal standard generator, fixed seed.
  let seed = 20260630;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);

  const departments = [
    "Engineering",
    "Customer Success",
    "Sales",
    "Finance",
    "Human Resources",
    "Operations",
    "Marketing",
    "Legal & Compliance",
    "Product",
    "Support (Zürich)",
    "Logistics",
    "Research",
  ];
  const courses = [
    "TS-101 TypeScript Foundations",
    "TS-201 Advanced Types and Generics",
    "SEC-110 Secure Coding Essentials",
    "GDPR-100 Data Protection for Everyone",
    "LEAD-300 Leading Distributed Teams",
    "SQL-120 SQL for Analysts",
    "CX-140 Customer Conversations",
    "FIN-210 Reading a Balance Sheet",
    "OPS-150 Incident Response Basics",
    "MKT-130 Writing for the Web",
    "AI-200 Working with Language Models",
    "ACC-100 Accessibility Fundamentals",
    "NEG-220 Negotiation, Pricing & Discounts",
    "PM-180 Product Discovery",
    "COM-105 Presenting with Confidence",
    "DEV-240 Testing Strategies: Unit, Integration and End-to-End",
    "HR-115 Inclusive Hiring",
    "SAF-101 Workplace Safety (annual)",
  ];

  const percent = (x: number) => Math.round(x * 1000) / 10;
  const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-");

  const rows: ReportModel["table"]["rows"] = [];
  for (const name of departments) {
    rows.push({
      group_id: slug(name),
      group: name,
      kind_label: "Department",
      learners: Math.round(between(12, 140)),
      engagement_0_100: Math.round(between(38, 86) * 10) / 10,
      completion_rate_percent: null,
      at_risk_percent: percent(between(0.03, 0.24)),
    });
  }
  for (const title of courses) {
    rows.push({
      group_id: `course-${slug(title.split(" ")[0] ?? title)}`,
      group: title,
      kind_label: "Course",
      learners: Math.round(between(20, 260)),
      engagement_0_100: null,
      completion_rate_percent: percent(between(0.28, 0.93)),
      at_risk_percent: percent(between(0.02, 0.3)),
    });
  }
  // Cohorts: one per course and intake, to reach 60 rows.
  const intakes = ["2026-Q1", "2026-Q2"];
  for (const intake of intakes) {
    for (const title of courses.slice(0, 15)) {
      if (rows.length >= 60) break;
      const code = title.split(" ")[0] ?? title;
      rows.push({
        group_id: `cohort-${slug(code)}-${intake.toLowerCase()}`,
        group: `${code} cohort ${intake}`,
        kind_label: "Cohort",
        learners: Math.round(between(8, 40)),
        engagement_0_100: null,
        completion_rate_percent: percent(between(0.2, 0.95)),
        at_risk_percent: percent(between(0, 0.35)),
      });
    }
  }
  // A suppressed small group: figures withheld.
  rows[rows.length - 1] = {
    group_id: "board-of-directors",
    group: "Board of Directors",
    kind_label: "Department",
    learners: null,
    engagement_0_100: null,
    completion_rate_percent: null,
    at_risk_percent: null,
  };

  const histogramCounts = [3, 6, 11, 19, 34, 58, 87, 112, 96, 41];
  const funnel = [
    { label: "Enrolled", value: 1248 },
    { label: "Started", value: 1106 },
    { label: "Halfway", value: 812 },
    { label: "Passed final assessment", value: 604 },
    { label: "Completed", value: 571 },
  ];
  const days = Array.from({ length: 30 }, (_, i) => {
    const date = new Date(Date.UTC(2026, 4, 31 + i));
    const weekday = date.getUTCDay();
    const base = 58 + i * 0.35 + (weekday === 0 || weekday === 6 ? -14 : 0);
    return { label: date.toISOString().slice(5, 10), value: Math.round((base + between(-4, 4)) * 10) / 10 };
  });

  return {
    type: "organization-summary",
    title: "Organisation summary",
    organizationName: "Acme Learning GmbH",
    scopeLabel: "All departments and courses of Acme Learning GmbH",
    timeRange: { label: "30d", from: "2026-05-31T00:00:00.000Z", to: "2026-06-30T00:00:00.000Z" },
    generatedAt: "2026-06-30T06:15:00.000Z",
    summary: [
      { key: "learners", label: "Learners", value: "1,248", number: 1248 },
      { key: "active_learners", label: "Active in the period", value: "1,031 (83 %)", number: 1031 },
      { key: "engagement_0_100", label: "Average engagement (0–100)", value: "64.2 / 100", number: 64.2 },
      { key: "skills_mastered_percent", label: "Skills mastered (mean per learner)", value: "58 %", number: 58 },
      { key: "completion_rate_percent", label: "Completion rate (enrolments)", value: "46 %", number: 46 },
      { key: "at_risk_percent", label: "At-risk share (learners)", value: "11 %", number: 11 },
    ],
    charts: {
      scoreHistogram: {
        title: "Average course scores (enrolments)",
        bins: histogramCounts.map((count, i) => ({ from: i / 10, to: (i + 1) / 10, count })),
      },
      completionFunnel: { title: "Completion funnel (enrolments)", steps: funnel },
      engagementTrend: { title: "Average engagement by day (0–100)", points: days },
      skillGaps: {
        title: "Top skill gaps (priority)",
        items: [
          { label: "Threat modelling", value: 0.91 },
          { label: "Generic constraints", value: 0.84 },
          { label: "Writing SQL joins", value: 0.77 },
          { label: "Incident communication", value: 0.69 },
          { label: "Reading cash-flow statements", value: 0.58 },
          { label: "Accessible colour contrast", value: 0.47 },
          { label: "Structured interviews", value: 0.36 },
          { label: "Négociation commerciale", value: 0.22 },
        ],
      },
    },
    table: {
      title: "Departments, courses and cohorts",
      columns: [
        { key: "group_id", label: "Group id", pdf: false },
        { key: "group", label: "Group" },
        { key: "kind_label", label: "Kind" },
        { key: "learners", label: "Learners" },
        { key: "engagement_0_100", label: "Average engagement (0–100)" },
        { key: "completion_rate_percent", label: "Completion rate", format: "percent" },
        { key: "at_risk_percent", label: "At-risk share", format: "percent" },
      ],
      rows,
    },
  };
}
