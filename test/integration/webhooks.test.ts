import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roster } from "../../dev/demo/roster";
import { signWebhook } from "../../functions/auth/webhook-signature";
import { freshWindow } from "../clock";
import { startTestApi, type TestApi } from "../harness";
import { database, deliverJob, finishedRun } from "../pipeline";
import { claimsFor, demoUser, signWithWorkerKey } from "../tokens";
import { type RunningWorker, readJson, startWorker } from "../worker";

let api: TestApi;
let db: Awaited<ReturnType<typeof database>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi({ REFRESH_DEBOUNCE_SECONDS: "0", PIPELINE_BATCH_SIZE: "25", UPSTREAM_TIMEOUT_MS: "1500" });
  db = await database(api);
  for (const email of ["learner@acme.test", "trainer@acme.test"])
    tokens[email] = await signWithWorkerKey(api.stack.vars.JWT_SIGNING_KEYS, claimsFor(email));
});

afterAll(async () => {
  await db?.client.end();
  await api?.stop();
});

const secrets = () => JSON.parse(api.stack.vars.WEBHOOK_SECRETS) as Record<string, string>;

interface Delivery {
  service?: string;
  delivery?: string;
  timestamp?: number;
  secret?: string;
  via?: RunningWorker;
}

/** A delivery signed as `options` say (by default: by `assessment`, now, with its own secret, under a fresh id). */
const signed = async (body: unknown, options: Delivery = {}) => {
  const service = options.service ?? "assessment";
  const delivery = options.delivery ?? crypto.randomUUID();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const raw = JSON.stringify(body);
  const headers = {
    "Content-Type": "application/json",
    "X-Webhook-Service": service,
    "X-Webhook-Delivery": delivery,
    "X-Webhook-Timestamp": String(timestamp),
    "X-Webhook-Signature": await signWebhook(options.secret ?? secrets()[service]!, timestamp, delivery, raw),
  };
  return { headers, raw };
};
const send = (request: { headers: Record<string, string>; raw: string }, via: RunningWorker = api.worker) =>
  via.fetch("/api/v1/webhooks/refresh", { method: "POST", headers: request.headers, body: request.raw });
const ping = async (body: unknown, options: Delivery = {}) => send(await signed(body, options), options.via);
const runCount = () => db.count("pipeline_runs");

describe("webhooks", () => {
  it("queues a run for a signed ping, and a ping for the same scope joins it", async () => {
    const courseId = (await db.client.query("select id from courses where code = 'TS-101'")).rows[0].id;
    const debouncing = await startWorker({ ...api.stack.vars, ENVIRONMENT: "test", REFRESH_DEBOUNCE_SECONDS: "3" });
    try {
      const sign = (body: unknown) => ping(body, { service: "courseBuilder", via: debouncing });
      const first = await sign({ courseIds: [courseId], userIds: ["00000000-0000-4000-8000-000000000000"] });
      expect(first.status).toBe(202);
      const accepted = await readJson(first);
      expect(accepted.unknown).toEqual(["00000000-0000-4000-8000-000000000000"]);
      expect(accepted.runs).toEqual([expect.objectContaining({ scope: "course", scopeId: courseId, joined: false })]);
      const second = await readJson(await sign({ courseIds: [courseId] }));
      expect(second.runs[0]).toMatchObject({ runId: accepted.runs[0].runId, joined: true });
      expect((await finishedRun(api, tokens["trainer@acme.test"]!, accepted.runs[0].runId)).status).toBe("completed");
    } finally {
      await debouncing.stop();
    }
  });

  it("refuses a bad signature, another service's secret and an old timestamp, queuing nothing", async () => {
    const body = { userIds: [demoUser("learner@acme.test").id] };
    const before = await runCount();
    expect((await ping(body, { secret: "whsec_wrong-secret-of-enough-length" })).status).toBe(401);
    expect((await ping(body, { service: "devLab", secret: secrets().assessment })).status).toBe(401);
    expect((await ping(body, { service: "billing", secret: secrets().assessment })).status).toBe(401);
    expect((await ping(body, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect(await runCount()).toBe(before);
  });

  it("refuses a captured delivery re-sent under a new delivery id (the signature covers it), and under its own id (a replay)", async () => {
    const captured = await signed({ userIds: [demoUser("learner@acme.test").id] });
    const accepted = await send(captured);
    expect(accepted.status).toBe(202);
    await finishedRun(api, tokens["learner@acme.test"]!, (await readJson(accepted)).runs[0].runId);
    const [runs, deliveries] = [await runCount(), await db.count("webhook_deliveries")];

    const renamed = await send({ ...captured, headers: { ...captured.headers, "X-Webhook-Delivery": crypto.randomUUID() } });
    expect(renamed.status).toBe(401);
    expect((await readJson(renamed)).detail).toBe("The delivery's signature is invalid.");
    const replayed = await send(captured);
    expect(replayed.status).toBe(401);
    expect((await readJson(replayed)).detail).toMatch(/replay/);
    expect([await runCount(), await db.count("webhook_deliveries")]).toEqual([runs, deliveries]);
  });

  it("limits each service's signed deliveries (WEBHOOK_RATE_LIMIT), not counting unsigned ones", async () => {
    const limited = await startWorker({ ...api.stack.vars, ENVIRONMENT: "test", WEBHOOK_RATE_LIMIT: "2" });
    try {
      const body = { userIds: [crypto.randomUUID()] };
      const as = (service: string, secret?: string) => ping(body, { service, via: limited, ...(secret ? { secret } : {}) });
      await freshWindow(); // the burst below is counted in one rate-limit window
      for (let i = 0; i < 3; i++) expect((await as("skillsEngine", "whsec_forged-secret-of-enough-length")).status).toBe(401);
      expect((await as("skillsEngine")).status).toBe(202);
      expect((await as("skillsEngine")).status).toBe(202);
      const deliveries = await db.count("webhook_deliveries");
      const refused = await as("skillsEngine");
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(await readJson(refused)).toMatchObject({ status: 429, detail: expect.stringMatching(/webhook deliveries from this service/) });
      expect(await db.count("webhook_deliveries")).toBe(deliveries);
      expect((await as("learnerAI")).status).toBe(202);
    } finally {
      await limited.stop();
    }
  });

  it("coalesces a delivery naming more than WEBHOOK_MAX_RUNS (20) subjects of one organisation into its organisation run, which a second such delivery joins", async () => {
    const acme = roster.organizations.find((o) => o.slug === "acme")!.id;
    const learners = roster.users
      .filter((u) => u.organizationId === acme && u.role === "learner")
      .slice(-30)
      .map((u) => u.id);
    expect(learners).toHaveLength(30);
    // A long debounce keeps the organisation run queued, so the second delivery finds it.
    const debouncing = await startWorker({ ...api.stack.vars, ENVIRONMENT: "test", REFRESH_DEBOUNCE_SECONDS: "3600" });
    try {
      const before = await runCount();
      const first = await ping({ userIds: learners }, { via: debouncing });
      expect(first.status).toBe(202);
      const accepted = await readJson(first);
      expect(accepted).toEqual({
        runs: [{ runId: expect.any(String), scope: "organization", scopeId: acme, joined: false, coalesced: expect.any(Array) }],
        unknown: [],
      });
      expect([...accepted.runs[0].coalesced].sort()).toEqual([...learners].sort());
      const second = await readJson(await ping({ userIds: [...learners].reverse() }, { via: debouncing }));
      expect(second.runs).toEqual([expect.objectContaining({ runId: accepted.runs[0].runId, scope: "organization", joined: true })]);
      expect(await runCount()).toBe(before + 1);
      expect(await db.count("pipeline_runs", "scope = 'user' and scope_id = any($1)", [learners])).toBe(0);
    } finally {
      await debouncing.stop();
    }
  });

  it("validates the payload after the signature", async () => {
    const response = await ping({ userIds: ["not-a-uuid"], extra: 1 });
    expect(response.status).toBe(400);
    expect((await readJson(response)).errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["json", "json.userIds.0"]);
  });

  it("knows no service named after an Object.prototype member: a delivery signed with its public string form is refused, queuing nothing", async () => {
    const body = { userIds: [demoUser("learner@acme.test").id] };
    const [runs, deliveries] = [await runCount(), await db.count("webhook_deliveries")];
    for (const service of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
      const inherited = String((Object.prototype as unknown as Record<string, unknown>)[service]);
      const response = await ping(body, { service, secret: inherited });
      expect(response.status, service).toBe(401);
      expect((await readJson(response)).detail).toMatch(/Unknown or unconfigured X-Webhook-Service/);
    }
    expect(await runCount()).toBe(runs);
    expect(await db.count("webhook_deliveries")).toBe(deliveries);
  });
});

describe("job steps named after Object.prototype members", () => {
  it("are unknown steps (404), not a crash", async () => {
    for (const step of ["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"]) {
      const response = await deliverJob(api, step, { runId: crypto.randomUUID(), batch: 0 });
      expect(response.status, step).toBe(404);
      expect(await readJson(response)).toMatchObject({ status: 404, detail: `No job step ${step}.` });
    }
  });
});
