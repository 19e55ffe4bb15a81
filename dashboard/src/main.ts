import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { type Api, ApiError, createApi, type Profile, type TimeRange } from "./api";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Filler);

/** Where the API is: this page's own origin, unless the page's `api-base-url` meta names another. */
const apiBase = (document.querySelector<HTMLMetaElement>('meta[name="api-base-url"]')?.content ?? "").replace(/\/$/, "");
const api: Api = createApi(apiBase);

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
let profile: Profile | null = null;
let range: TimeRange = "30d";
const charts: Chart[] = [];

/** An element with text and attributes; `figure` marks a number the browser tests compare with the API's. */
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== null) node.append(child);
  return node;
}
const fmt = (value: unknown) => (value === null || value === undefined ? "—" : String(value));
const figure = (name: string, label: string, value: unknown) =>
  el("div", { class: "figure" }, el("span", { class: "label" }, label), el("span", { class: "value", "data-figure": name }, fmt(value)));
const pct = (share: number | null | undefined) => (share === null || share === undefined ? "—" : `${Math.round(share * 1000) / 10}%`);

function message(text: string, kind: "info" | "error" = "info") {
  const box = $("#message");
  box.textContent = text;
  box.className = kind;
  box.hidden = text === "";
}

function chart(canvas: HTMLCanvasElement, type: "bar" | "line", labels: string[], data: number[], label: string) {
  charts.push(
    new Chart(canvas, {
      type,
      data: { labels, datasets: [{ label, data, backgroundColor: "#4c78a8", borderColor: "#4c78a8", fill: type === "line" }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true } },
      },
    }),
  );
}
const canvasBox = (name: string) => {
  const canvas = el("canvas", { "data-chart": name }) as HTMLCanvasElement;
  return { box: el("div", { class: "chart" }, canvas), canvas };
};

interface Provenance {
  state: "ready" | "partial" | "pending";
  dataAsOf: string | null;
  coverage?: { analysed: number; total: number } | null;
  pending?: { runId: string; status: string; retryAfterSeconds: number } | null;
  window?: { from: string; to: string; complete: boolean; note: string | null };
}

function provenance(body: Provenance, notModified: boolean) {
  const parts = [el("span", { class: `state ${body.state}`, "data-figure": "state" }, body.state)];
  if (body.coverage) parts.push(el("span", { "data-figure": "coverage" }, `${body.coverage.analysed} of ${body.coverage.total} analysed`));
  if (body.pending) parts.push(el("span", {}, `run ${body.pending.status}, retry in ${body.pending.retryAfterSeconds} s`));
  parts.push(el("span", {}, "data as of ", el("time", { "data-figure": "dataAsOf" }, body.dataAsOf ?? "—")));
  if (body.window?.note) parts.push(el("span", { class: "note" }, body.window.note));
  if (notModified) parts.push(el("span", { class: "note", "data-figure": "not-modified" }, "unchanged (304)"));
  $("#provenance").replaceChildren(...parts);
}

// biome-ignore lint/suspicious/noExplicitAny: answers are drawn as the API sends them
type Body = any;

function learnerView(b: Body): HTMLElement[] {
  const velocity = b.velocity;
  const series = canvasBox("velocity");
  const sections = [
    el(
      "section",
      { id: "velocity" },
      el("h2", {}, "Velocity"),
      el(
        "div",
        { class: "figures" },
        figure("velocity.unitsCompleted", "units completed", velocity?.unitsCompleted),
        figure("velocity.unitsPerWeek", "units / week", velocity?.unitsPerWeek),
        figure("velocity.trend", "trend", velocity?.trend),
        figure("velocity.peerPercentile", "peer percentile", velocity?.peerPercentile),
      ),
      series.box,
    ),
    el(
      "section",
      { id: "mastery" },
      el("h2", {}, "Mastery ", el("span", { "data-figure": "mastery.overall" }, pct(b.mastery?.overall))),
      table(
        ["skill", "mastery", "responses", ""],
        (b.mastery?.skills ?? []).map((s: Body) => [s.name ?? s.skillId, pct(s.probability), s.responses, s.mastered ? "mastered" : ""]),
      ),
    ),
    el(
      "section",
      { id: "gaps" },
      el("h2", {}, "Skill gaps"),
      table(
        ["skill", "gap", "importance", "mastery", "priority"],
        (b.skillGaps ?? []).map((g: Body) => [g.name ?? g.skillId, g.gap, g.importance, pct(g.mastery), g.priority]),
      ),
    ),
    el(
      "section",
      { id: "engagement" },
      el("h2", {}, "Engagement ", el("span", { "data-figure": "engagement.score" }, fmt(b.engagement?.score))),
      table(
        ["component", "value", "weight", "contribution"],
        Object.entries(b.engagement?.components ?? {}).map(([name, c]: [string, Body]) => [name, c.value, c.weight, c.contribution]),
      ),
    ),
  ];
  queueMicrotask(() => {
    if (velocity)
      chart(
        series.canvas,
        "bar",
        velocity.series.map((p: Body) => p.date),
        velocity.series.map((p: Body) => p.units),
        "units",
      );
  });
  return sections;
}

function trainerView(b: Body): HTMLElement[] {
  return (b.courses ?? []).map((course: Body) => {
    const histogram = canvasBox(`histogram-${course.code}`);
    const p = course.performance;
    const d = course.scoreDistribution;
    queueMicrotask(() =>
      chart(
        histogram.canvas,
        "bar",
        d.histogram.map((h: Body) => `${h.from}–${h.to}`),
        d.histogram.map((h: Body) => h.count),
        "attempts",
      ),
    );
    return el(
      "section",
      { class: "course", "data-course": course.courseId },
      el("h2", {}, `${course.code} · ${course.title}`),
      el(
        "div",
        { class: "figures" },
        figure(`${course.code}.enrolled`, "enrolled", p.enrolled),
        figure(`${course.code}.activeInRange`, "active in range", p.activeInRange),
        figure(`${course.code}.completionRate`, "completion rate", p.completionRate),
        figure(`${course.code}.averageScore`, "average score", p.averageScore),
        figure(`${course.code}.unitsPerWeek`, "units / week / learner", p.unitsPerWeek),
        figure(`${course.code}.scoreCount`, "scored attempts", d.count),
      ),
      el("h3", {}, "Score distribution"),
      histogram.box,
      el("h3", {}, "At-risk learners"),
      table(
        ["learner", "chance of not completing", "what raises it"],
        course.atRiskLearners.map((l: Body) => [
          l.name,
          pct(l.probability),
          l.factors.map((f: Body) => `${f.label}: ${f.display}`).join("; "),
        ]),
      ),
    );
  });
}

/** The first numbers of a group's figures, as label/value pairs. */
const groupFigures = (figures: Record<string, unknown> | null) =>
  Object.entries(figures ?? {}).filter(([, v]) => typeof v === "number" || v === null);

function organizationView(b: Body): HTMLElement[] {
  const trend = canvasBox("trend");
  const points = b.trend?.points ?? [];
  const summary = groupFigures(b.summary);
  const trendKey = "unitsPerWeek" in (b.summary ?? {}) ? "unitsPerWeek" : (summary[0]?.[0] ?? "");
  queueMicrotask(() =>
    chart(
      trend.canvas,
      "line",
      points.map((p: Body) => p.date),
      points.map((p: Body) => p.figures[trendKey] ?? 0),
      trendKey,
    ),
  );
  const columns = summary.map(([k]) => k).slice(0, 5);
  const group = (name: string, g: Body) =>
    g.suppressed
      ? [name, el("span", { class: "suppressed", "data-suppressed": name }, `suppressed: ${g.reason}`)]
      : [name, g.learners, ...columns.map((k) => fmt(g.figures[k]))];
  return [
    el(
      "section",
      { id: "summary" },
      el("h2", {}, "Organisation"),
      el("div", { class: "figures" }, ...summary.slice(0, 6).map(([k, v]) => figure(`summary.${k}`, k, v))),
    ),
    el("section", { id: "trend" }, el("h2", {}, `Trend: ${trendKey} (${b.trend?.step ?? "day"})`), trend.box),
    el(
      "section",
      { id: "departments" },
      el("h2", {}, "Departments"),
      table(
        ["department", "learners", ...columns],
        (b.departments ?? []).map((d: Body) => group(d.department, d)),
      ),
    ),
    el(
      "section",
      { id: "courses" },
      el("h2", {}, "Courses"),
      table(
        ["course", "learners", ...columns],
        (b.courses ?? []).map((c: Body) => group(c.title ?? c.courseId, c)),
      ),
    ),
  ];
}

function table(head: string[], rows: unknown[][]): HTMLElement {
  if (rows.length === 0) return el("p", { class: "empty" }, "Nothing yet.");
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
    el(
      "tbody",
      {},
      // A short row's last cell spans the rest (a suppressed group's reason instead of its figures).
      ...rows.map((row) =>
        el(
          "tr",
          {},
          ...row.map((cell, i) =>
            el("td", i === row.length - 1 ? { colspan: String(head.length - i) } : {}, cell instanceof Node ? cell : fmt(cell)),
          ),
        ),
      ),
    ),
  );
}

const kindOf = (role: Profile["role"]) => (role === "learner" ? "learner" : role === "trainer" ? "trainer" : "organization");
let lastBody: Body = null;

async function load() {
  if (!profile) return;
  try {
    const { body, notModified } = await api.analytics<Body>(kindOf(profile.role), range);
    lastBody = body;
    for (const c of charts.splice(0)) c.destroy();
    provenance(body, notModified);
    const view = profile.role === "learner" ? learnerView : profile.role === "trainer" ? trainerView : organizationView;
    $("#content").replaceChildren(...view(body));
    reportOptions();
    message("");
  } catch (error) {
    fail(error);
  }
}

function fail(error: unknown) {
  message(error instanceof Error ? error.message : String(error), "error");
  if (error instanceof ApiError && error.status === 401) showSignIn();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function refresh() {
  const button = $<HTMLButtonElement>("#refresh");
  button.disabled = true;
  try {
    const queued = await api.refresh();
    const ids = queued.runs?.map((r) => r.runId) ?? [queued.runId];
    for (;;) {
      const runs = await Promise.all(ids.map((id) => api.run(id)));
      const stages = runs.flatMap((r) => Object.entries(r.stages).map(([name, s]) => `${name} ${s.batches.completed}/${s.batches.total}`));
      $("#run").textContent = `run ${runs.map((r) => r.status).join(", ")}${stages.length ? `: ${stages.join(" · ")}` : ""}`;
      if (runs.every((r) => r.status === "completed" || r.status === "failed")) break;
      await sleep(1000);
    }
    await load();
  } catch (error) {
    fail(error);
  } finally {
    button.disabled = false;
  }
}

function reportOptions() {
  if (!profile) return;
  const types =
    profile.role === "learner"
      ? ["learner-progress"]
      : profile.role === "trainer"
        ? ["course-performance", "at-risk", "learner-progress"]
        : ["organization-summary", "at-risk", "learner-progress"];
  const select = $<HTMLSelectElement>("#report-type");
  if (select.dataset.role !== profile.role) {
    select.replaceChildren(...types.map((t) => el("option", { value: t }, t)));
    select.dataset.role = profile.role;
  }
  const courses = profile.role === "trainer" && lastBody?.courses ? lastBody.courses : [];
  const course = $<HTMLSelectElement>("#report-course");
  course.replaceChildren(...courses.map((c: Body) => el("option", { value: c.courseId }, c.code)));
  course.hidden = courses.length === 0;
}

async function generateReport(event: Event) {
  event.preventDefault();
  const status = $("#report-status");
  const type = $<HTMLSelectElement>("#report-type").value;
  const format = $<HTMLSelectElement>("#report-format").value;
  const courseId = $<HTMLSelectElement>("#report-course").value;
  const scope = type === "course-performance" || (type === "at-risk" && profile?.role === "trainer") ? { courseId } : undefined;
  try {
    const queued = await api.generateReport({ type, format, timeRange: range, ...(scope ? { scope } : {}) });
    let state = queued.status;
    status.textContent = `report ${state}`;
    for (let i = 0; state !== "ready" && state !== "failed" && i < 120; i++) {
      await sleep(500);
      const current = await api.reportStatus(queued.reportId);
      state = current.status;
      status.textContent = `report ${state}${current.error ? `: ${current.error}` : ""}`;
    }
    if (state !== "ready") return;
    const { url, expiresAt } = await api.reportDownload(queued.reportId);
    const link = el("a", { href: url, download: "", id: "report-link" }, `download ${type}.${format}`) as HTMLAnchorElement;
    status.replaceChildren(link, ` (until ${expiresAt})`);
    link.click();
  } catch (error) {
    status.textContent = error instanceof Error ? error.message : String(error);
  }
}

function showSignIn() {
  profile = null;
  $("#signin").hidden = false;
  $("#dashboard").hidden = true;
}

async function signIn(event: Event) {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const data = new FormData(form);
  try {
    await api.signIn(String(data.get("email")), String(data.get("password")));
    profile = await api.profile();
    $("#who").textContent = `${profile.name} · ${profile.role} · ${profile.organization.name}`;
    $("#signin").hidden = true;
    $("#run").textContent = "";
    $("#report-status").textContent = "";
    $("#dashboard").hidden = false;
    $("#dashboard").dataset.role = profile.role;
    await load();
  } catch (error) {
    fail(error);
  }
}

$("#signin-form").addEventListener("submit", signIn);
$("#signout").addEventListener("click", async () => {
  await api.signOut();
  showSignIn();
});
$("#refresh").addEventListener("click", refresh);
$("#report-form").addEventListener("submit", generateReport);
for (const button of document.querySelectorAll<HTMLButtonElement>("#ranges button")) {
  button.addEventListener("click", () => {
    range = button.value as TimeRange;
    for (const b of document.querySelectorAll("#ranges button")) b.setAttribute("aria-pressed", String(b === button));
    void load();
  });
}
