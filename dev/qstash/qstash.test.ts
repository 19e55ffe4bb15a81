import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, QstashError, Receiver } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandIn } from "../stand-in";
import { QSTASH_MAX_MESSAGE_BYTES, startQStash } from "./server";
import type { QStashStats } from "./stats";

const TOKEN = "test-token";
const CURRENT = "sig_current_key_for_tests";
const NEXT = "sig_next_key_for_tests";

interface Delivery {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** Whether the official Receiver accepted it (current/next keys, body hash, url). */
  verified: boolean;
}

/** A destination on 127.0.0.1 that records what it receives and answers as scripted per path. */
class Destination {
  readonly deliveries: Delivery[] = [];
  /** Status codes to answer on a path, one per request (0: never answer); 200 once the list is used up. */
  readonly script = new Map<string, number[]>();
  /** Headers to answer with on a path. */
  readonly answerHeaders = new Map<string, Record<string, string>>();
  /** Paths whose requests wait, unanswered, for `release()`. */
  readonly holding = new Set<string>();
  /** Requests under way (arrived, not yet answered) and the most at once, by path. */
  readonly active = new Map<string, number>();
  readonly mostActive = new Map<string, number>();
  private readonly parked: (() => void)[] = [];
  url = "";
  private server?: Server;
  private readonly receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const path = request.url ?? "/";
        const verified = await this.receiver
          .verify({ signature: String(request.headers["upstash-signature"]), body, url: this.url + path })
          .catch(() => false);
        this.deliveries.push({ path, method: request.method ?? "", headers: request.headers, body, at: Date.now(), verified });
        const status = this.script.get(path)?.shift() ?? 200;
        if (status === 0) return;
        this.active.set(path, (this.active.get(path) ?? 0) + 1);
        this.mostActive.set(path, Math.max(this.mostActive.get(path) ?? 0, this.active.get(path) ?? 0));
        if (this.holding.has(path)) await new Promise<void>((resolve) => this.parked.push(resolve));
        this.active.set(path, (this.active.get(path) ?? 0) - 1);
        response
          .writeHead(status, { "Content-Type": "text/plain", "X-Answer": "yes", ...this.answerHeaders.get(path) })
          .end(status < 300 ? `ok ${path}` : `boom ${path}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Stops holding the path and answers the requests parked there. */
  release(path: string): void {
    this.holding.delete(path);
    for (const answer of this.parked.splice(0)) answer();
  }

  to(path: string): Delivery[] {
    return this.deliveries.filter((delivery) => delivery.path === path);
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    this.server?.closeAllConnections();
    await closed;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for condition");
    await sleep(10);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fromBase64 = (value: string) => Buffer.from(value, "base64").toString("utf8");

describe("QStash stand-in, driven by the official client and receiver", () => {
  const destination = new Destination();
  const log: Record<string, unknown>[] = [];
  let qstash: StandIn;
  let client: Client;

  beforeAll(async () => {
    await destination.start();
    qstash = await startQStash({
      token: TOKEN,
      currentSigningKey: CURRENT,
      nextSigningKey: NEXT,
      retryBaseDelayMs: 20,
      log: (entry) => log.push(entry),
    });
    client = new Client({ token: TOKEN, baseUrl: qstash.url, retry: false });
  });

  afterAll(async () => {
    await qstash?.close();
    await destination.close();
  });

  it("delivers publishJSON signed with the current key, which the Receiver verifies", async () => {
    const url = `${destination.url}/publish`;
    const { messageId } = await client.publishJSON({ url, body: { hello: "world" } });
    await waitFor(() => destination.to("/publish").length === 1);
    const [delivery] = destination.to("/publish");
    expect(delivery).toMatchObject({ method: "POST", body: '{"hello":"world"}', verified: true });
    expect(delivery!.headers).toMatchObject({
      "content-type": "application/json",
      "upstash-message-id": messageId,
      "upstash-retried": "0",
      "user-agent": "Upstash-QStash",
    });

    const signature = String(delivery!.headers["upstash-signature"]);
    const request = { signature, body: delivery!.body, url };
    // Key rotation: a receiver whose current key is stale still accepts through its next key.
    await expect(new Receiver({ currentSigningKey: "stale", nextSigningKey: CURRENT }).verify(request)).resolves.toBe(true);
    await expect(new Receiver({ currentSigningKey: "wrong", nextSigningKey: "wrong too" }).verify(request)).rejects.toThrow();
    await expect(new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT }).verify({ ...request, url: `${url}x` })).rejects.toThrow(
      /subject/,
    );
  });

  it("signs the body: a tampered body fails verification", async () => {
    await client.publishJSON({ url: `${destination.url}/tamper`, body: { amount: 1 } });
    await waitFor(() => destination.to("/tamper").length === 1);
    const [delivery] = destination.to("/tamper");
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
    await expect(receiver.verify({ signature: String(delivery!.headers["upstash-signature"]), body: '{"amount":1000}' })).rejects.toThrow(
      /body hash/,
    );
  });

  it("holds a delayed message back, and shows it through messages.get until then", async () => {
    const published = Date.now();
    const { messageId } = await client.publishJSON({ url: `${destination.url}/delay`, body: {}, delay: 1 });
    const pending = await client.messages.get(messageId);
    expect(pending).toMatchObject({ messageId, url: `${destination.url}/delay`, method: "POST", maxRetries: 3 });
    expect(pending.notBefore).toBeGreaterThanOrEqual(published + 1_000);
    await waitFor(() => destination.to("/delay").length === 1);
    expect(destination.to("/delay")[0]!.at - published).toBeGreaterThanOrEqual(950);
    await expect(client.messages.get(messageId)).rejects.toThrow(/not found/);
  });

  it("cancels a pending message", async () => {
    const { messageId } = await client.publishJSON({ url: `${destination.url}/cancel`, body: {}, delay: 1 });
    await expect(client.messages.cancel(messageId)).resolves.toEqual({ cancelled: 1 });
    await sleep(1_200);
    expect(destination.to("/cancel")).toHaveLength(0);
  });

  it("retries a failing destination with Upstash-Retried 0, 1, 2 and logs each attempt", async () => {
    destination.script.set("/flaky", [500, 500]);
    const { messageId } = await client.publishJSON({ url: `${destination.url}/flaky`, body: { n: 1 } });
    await waitFor(() => destination.to("/flaky").length === 3);
    await sleep(100);
    const attempts = destination.to("/flaky");
    expect(attempts).toHaveLength(3);
    expect(attempts.map((d) => d.headers["upstash-retried"])).toEqual(["0", "1", "2"]);
    expect(attempts.every((d) => d.verified && d.headers["upstash-message-id"] === messageId)).toBe(true);
    // Back-off: 20 ms, then 40 ms.
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(35);
    const entries = log.filter((entry) => entry.messageId === messageId);
    expect(entries.map((entry) => [entry.retried, entry.status, entry.outcome])).toEqual([
      [0, 500, "retrying"],
      [1, 500, "retrying"],
      [2, 200, "delivered"],
    ]);
  });

  it("calls the failure callback once the retries are exhausted", async () => {
    destination.script.set("/broken", [500, 500, 500]);
    const url = `${destination.url}/broken`;
    const { messageId } = await client.publishJSON({
      url,
      body: { job: "report" },
      retries: 2,
      failureCallback: `${destination.url}/failed`,
      headers: { "X-Tenant": "t1" },
    });
    await waitFor(() => destination.to("/failed").length === 1);
    expect(destination.to("/broken")).toHaveLength(3);
    const [callback] = destination.to("/failed");
    expect(callback!.verified).toBe(true);
    expect(callback!.headers["content-type"]).toBe("application/json");
    const report = JSON.parse(callback!.body);
    expect(report).toMatchObject({
      status: 500,
      retried: 2,
      maxRetries: 2,
      sourceMessageId: messageId,
      url,
      method: "POST",
      sourceHeader: { "Content-Type": ["application/json"], "X-Tenant": ["t1"] },
      header: { "X-Answer": ["yes"] },
    });
    expect(fromBase64(report.body)).toBe("boom /broken");
    expect(JSON.parse(fromBase64(report.sourceBody))).toEqual({ job: "report" });
    expect(Number(report.createdAt)).toBeGreaterThan(0);
  });

  it("treats a timeout as a failed attempt and retries it", async () => {
    destination.script.set("/slow", [0]);
    const { messageId } = await client.publishJSON({ url: `${destination.url}/slow`, body: {}, timeout: 1 });
    await waitFor(() => destination.to("/slow").length === 2);
    await waitFor(() => log.filter((entry) => entry.messageId === messageId).length === 2);
    const entries = log.filter((entry) => entry.messageId === messageId);
    expect(entries[0]).toMatchObject({ retried: 0, status: undefined, outcome: "retrying" });
    expect(entries[0]!.error).toMatch(/timeout|aborted/i);
    expect(entries[1]).toMatchObject({ retried: 1, status: 200, outcome: "delivered" });
  });

  it("sends the failure callback without a response part when the destination is unreachable", async () => {
    const url = "http://127.0.0.1:1/unreachable";
    const { messageId } = await client.publishJSON({ url, body: {}, retries: 0, failureCallback: `${destination.url}/gone` });
    await waitFor(() => destination.to("/gone").length === 1);
    const report = JSON.parse(destination.to("/gone")[0]!.body);
    expect(report).toMatchObject({ retried: 0, maxRetries: 0, sourceMessageId: messageId, url });
    expect(report).not.toHaveProperty("status");
  });

  it("calls the success callback with the destination's response", async () => {
    const { messageId } = await client.publishJSON({
      url: `${destination.url}/works`,
      body: { a: 1 },
      callback: `${destination.url}/done`,
    });
    await waitFor(() => destination.to("/done").length === 1);
    const [callback] = destination.to("/done");
    expect(callback!.verified).toBe(true);
    const report = JSON.parse(callback!.body);
    expect(report).toMatchObject({ status: 200, retried: 0, sourceMessageId: messageId });
    expect(fromBase64(report.body)).toBe("ok /works");
  });

  it("deduplicates by id and by content", async () => {
    const url = `${destination.url}/dedup`;
    const first = await client.publishJSON({ url, body: { n: 1 }, deduplicationId: "report-42" });
    const second = await client.publishJSON({ url, body: { n: 2 }, deduplicationId: "report-42" });
    expect(second).toMatchObject({ messageId: first.messageId, deduplicated: true });
    const third = await client.publishJSON({ url, body: { n: 3 }, contentBasedDeduplication: true });
    const fourth = await client.publishJSON({ url, body: { n: 3 }, contentBasedDeduplication: true });
    expect(fourth).toMatchObject({ messageId: third.messageId, deduplicated: true });
    await waitFor(() => destination.to("/dedup").length === 2);
    await sleep(150);
    expect(destination.to("/dedup").map((d) => d.body)).toEqual(['{"n":1}', '{"n":3}']);
  });

  it("publishes a batch to several destinations", async () => {
    const paths = ["/batch/a", "/batch/b", "/batch/c"];
    const responses = await client.batchJSON(paths.map((path, i) => ({ url: `${destination.url}${path}`, body: { i } })));
    expect(responses).toHaveLength(3);
    await waitFor(() => paths.every((path) => destination.to(path).length === 1));
    paths.forEach((path, i) => {
      const [delivery] = destination.to(path);
      expect(delivery).toMatchObject({ body: JSON.stringify({ i }), verified: true });
      expect(delivery!.headers["upstash-message-id"]).toBe(responses[i]!.messageId);
    });
  });

  it("forwards Upstash-Forward-* headers, the Content-Type and the method", async () => {
    await client.publish({
      url: `${destination.url}/forward?x=1`,
      body: "plain text",
      method: "PUT",
      headers: { "Content-Type": "text/plain", "X-Custom": "abc", "Upstash-Forward-Other": "def" },
    });
    await waitFor(() => destination.to("/forward?x=1").length === 1);
    const [delivery] = destination.to("/forward?x=1");
    expect(delivery).toMatchObject({ method: "PUT", body: "plain text", verified: true });
    expect(delivery!.headers).toMatchObject({ "content-type": "text/plain", "x-custom": "abc", other: "def" });
    expect(Object.keys(delivery!.headers).filter((name) => name.startsWith("upstash-forward"))).toEqual([]);
  });

  it("fires a cron schedule until it is deleted", async () => {
    const url = `${destination.url}/cron`;
    const { scheduleId } = await client.schedules.create({ destination: url, cron: "* * * * * *", body: '{"tick":true}' });
    expect(await client.schedules.get(scheduleId)).toMatchObject({ scheduleId, cron: "* * * * * *", destination: url, isPaused: false });
    expect((await client.schedules.list()).map((s) => s.scheduleId)).toContain(scheduleId);
    await waitFor(() => destination.to("/cron").length >= 2, 4_000);
    for (const tick of destination.to("/cron")) {
      expect(tick).toMatchObject({ body: '{"tick":true}', verified: true });
      expect(tick.headers["upstash-schedule-id"]).toBe(scheduleId);
    }
    await client.schedules.delete(scheduleId);
    await sleep(100); // a tick already under way may still land
    const ticks = destination.to("/cron").length;
    await sleep(1_200);
    expect(destination.to("/cron")).toHaveLength(ticks);
    await expect(client.schedules.get(scheduleId)).rejects.toThrow(/not found/);
  });

  it("accepts QStash's 5-field cron, pauses and resumes, and rejects a bad one", async () => {
    const { scheduleId } = await client.schedules.create({ destination: `${destination.url}/daily`, cron: "0 6 * * *" });
    const schedule = await client.schedules.get(scheduleId);
    expect(new Date(schedule.nextScheduleTime!).getUTCHours()).toBe(6);
    await client.schedules.pause({ schedule: scheduleId });
    expect((await client.schedules.get(scheduleId)).isPaused).toBe(true);
    await client.schedules.resume({ schedule: scheduleId });
    expect((await client.schedules.get(scheduleId)).isPaused).toBe(false);
    await client.schedules.delete(scheduleId);
    await expect(client.schedules.create({ destination: `${destination.url}/x`, cron: "every day" })).rejects.toThrow(/invalid cron/);
  });

  it("answers 401 to a wrong token and 400 to a bad destination", async () => {
    const intruder = new Client({ token: "wrong", baseUrl: qstash.url, retry: false });
    const denied = await intruder.publishJSON({ url: `${destination.url}/x`, body: {} }).catch((error) => error);
    expect(denied).toBeInstanceOf(QstashError);
    expect(denied).toMatchObject({ status: 401 });
    expect(JSON.parse(denied.message)).toHaveProperty("error");
    const invalid = await client.publishJSON({ url: "not-a-url", body: {} }).catch((error) => error);
    expect(invalid).toMatchObject({ status: 400 });
  });
});

describe("QStash stand-in close()", () => {
  it("drops pending messages and aborts deliveries under way", async () => {
    let requests = 0;
    const hanging = createServer(() => requests++); // never answers
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const log: Record<string, unknown>[] = [];
    const qstash = await startQStash({ token: TOKEN, currentSigningKey: CURRENT, nextSigningKey: NEXT, log: (e) => log.push(e) });
    const client = new Client({ token: TOKEN, baseUrl: qstash.url, retry: false });
    await client.publishJSON({ url: `${url}/now`, body: {} });
    await client.publishJSON({ url: `${url}/later`, body: {}, delay: 1 });
    await waitFor(() => requests === 1);

    const started = Date.now();
    await qstash.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(log).toMatchObject([{ outcome: "cancelled" }]);
    await sleep(1_100);
    expect(requests).toBe(1);
    hanging.closeAllConnections();
    hanging.close();
  });
});

describe("QStash stand-in: its back-off, flow control, limits and statistics", () => {
  const destination = new Destination();
  const log: Record<string, unknown>[] = [];
  let qstash: StandIn;
  let client: Client;
  const stats = async (method: "GET" | "DELETE" = "GET") =>
    (await (await fetch(`${qstash.url}/__stats`, { method })).json()) as QStashStats;
  const logOf = (messageId: string) => log.filter((entry) => entry.messageId === messageId);

  beforeAll(async () => {
    await destination.start();
    // QStash's own back-off: a failed attempt's retry waits at least 12 s, so no test here sees one.
    qstash = await startQStash({
      token: TOKEN,
      currentSigningKey: CURRENT,
      nextSigningKey: NEXT,
      retryBackoff: "qstash",
      log: (entry) => log.push(entry),
    });
    client = new Client({ token: TOKEN, baseUrl: qstash.url, retry: false });
  });

  afterAll(async () => {
    await qstash?.close();
    await destination.close();
  });

  it("schedules the first retry of a failed delivery 12 s later, QStash's e^2.5 s, and keeps the message pending", async () => {
    destination.script.set("/backoff", [500]);
    const { messageId } = await client.publishJSON({ url: `${destination.url}/backoff`, body: {} });
    await waitFor(() => logOf(messageId).length === 1);
    expect(logOf(messageId)).toMatchObject([{ retried: 0, status: 500, outcome: "retrying", retryDelayMs: 12_000 }]);
    expect(await client.messages.get(messageId)).toMatchObject({ messageId });
    await client.messages.cancel(messageId);
    expect(destination.to("/backoff")).toHaveLength(1);
  });

  /** Publishes through `send`, holds the deliveries, checks that only 2 are ever in flight, then lets them all through. */
  async function deliveredTwoAtATime(path: string, send: (url: string) => Promise<unknown>) {
    destination.holding.add(path);
    await stats("DELETE");
    await send(`${destination.url}${path}`);
    await waitFor(() => destination.to(path).length === 2);
    await sleep(200); // time enough for a third delivery, were it let through
    expect(destination.to(path)).toHaveLength(2);
    destination.release(path);
    await waitFor(() => destination.to(path).length === 10);
    expect(destination.mostActive.get(path)).toBe(2);
    expect((await stats()).maxInFlight).toBe(2);
  }

  it("delivers at most `parallelism` messages of a flow-control key at once (publishJSON)", async () => {
    await deliveredTwoAtATime("/flow/publish", async (url) => {
      for (let i = 0; i < 10; i++) await client.publishJSON({ url, body: { i }, flowControl: { key: "publish-key", parallelism: 2 } });
    });
  });

  it("honours the flow control of each batch entry (batchJSON)", async () => {
    await deliveredTwoAtATime("/flow/batch", (url) =>
      client.batchJSON(Array.from({ length: 10 }, (_, i) => ({ url, body: { i }, flowControl: { key: "batch-key", parallelism: 2 } }))),
    );
  });

  it("frees the slot of a delivery that failed while its retry waits out the back-off", async () => {
    destination.script.set("/flow/fails", [500]);
    const flowControl = { key: "retry-key", parallelism: 1 };
    const failing = await client.publishJSON({ url: `${destination.url}/flow/fails`, body: {}, flowControl });
    await waitFor(() => logOf(failing.messageId).length === 1);
    await client.publishJSON({ url: `${destination.url}/flow/next`, body: {}, flowControl });
    await waitFor(() => destination.to("/flow/next").length === 1);
    await client.messages.cancel(failing.messageId);
  });

  it("starts at most `rate` deliveries of a key per period", async () => {
    const url = `${destination.url}/flow/rate`;
    const flowControl = { key: "rate-key", rate: 2, period: "1m" as const };
    let third = "";
    for (let i = 0; i < 3; i++) third = (await client.publishJSON({ url, body: { i }, flowControl })).messageId;
    await waitFor(() => destination.to("/flow/rate").length === 2);
    await sleep(200);
    expect(destination.to("/flow/rate")).toHaveLength(2);
    expect(await client.messages.get(third)).toMatchObject({ messageId: third });
    await client.messages.cancel(third);
  });

  it("refuses a message body over QStash's max message size, alone or in a batch", async () => {
    expect(QSTASH_MAX_MESSAGE_BYTES).toBe(1_000_000);
    const url = `${destination.url}/size`;
    await stats("DELETE");
    await client.publish({ url, body: "x".repeat(QSTASH_MAX_MESSAGE_BYTES) });
    const refused = await client.publish({ url, body: "x".repeat(QSTASH_MAX_MESSAGE_BYTES + 1) }).catch((error) => error);
    expect(refused).toBeInstanceOf(QstashError);
    expect(refused).toMatchObject({ status: 413 });
    expect(JSON.parse(refused.message).error).toContain("max message size of 1000000 bytes");
    const batch = await client
      .batch([
        { url, body: "small" },
        { url, body: "x".repeat(QSTASH_MAX_MESSAGE_BYTES + 1) },
      ])
      .catch((error) => error);
    expect(batch).toMatchObject({ status: 413 });
    await waitFor(() => destination.to("/size").length === 1);
    expect((await stats()).published).toBe(1);
  });

  it("counts publishes, deliveries per step, and the Worker's reported subrequests and connections, until reset", async () => {
    destination.answerHeaders.set("/stats/collect?run=1", { "X-Local-Subrequests": "7", "X-Local-Max-Connections": "6" });
    destination.answerHeaders.set("/stats/analyze", { "X-Local-Subrequests": "12" });
    destination.script.set("/stats/analyze", [500]);
    await stats("DELETE");
    const collect = `${destination.url}/stats/collect?run=1`;
    const first = await client.publishJSON({ url: collect, body: {}, deduplicationId: "stats-collect" });
    await client.publishJSON({ url: collect, body: {}, deduplicationId: "stats-collect" });
    const batch = await client.batchJSON([0, 1].map((i) => ({ url: `${destination.url}/stats/analyze`, body: { i }, retries: 0 })));
    await waitFor(() => [first, ...batch].every(({ messageId }) => logOf(messageId).length === 1));

    const counted = await stats();
    expect(counted).toMatchObject({
      published: 3,
      publishRequests: 2,
      batchRequests: 1,
      deliveries: 3,
      maxSubrequestsPerInvocation: 12,
      maxConnectionsPerInvocation: 6,
    });
    // One analyze attempt failed (500, no retries): it counts as an attempt but has no duration.
    expect(counted.steps.collect).toEqual({ count: 1, durationsMs: [expect.any(Number)] });
    expect(counted.steps.analyze).toEqual({ count: 2, durationsMs: [expect.any(Number)] });
    expect(Object.keys(counted.steps)).toEqual(["collect", "analyze"]);
    expect(await stats("DELETE")).toEqual({
      published: 0,
      batchRequests: 0,
      publishRequests: 0,
      deliveries: 0,
      maxInFlight: 0,
      steps: {},
      maxSubrequestsPerInvocation: 0,
      maxConnectionsPerInvocation: 0,
    });
  });
});
