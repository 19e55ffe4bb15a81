import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, QstashError, Receiver } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandIn } from "../stand-in";
import { startQStash } from "./server";

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
        response.writeHead(status, { "Content-Type": "text/plain", "X-Answer": "yes" }).end(status < 300 ? `ok ${path}` : `boom ${path}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
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
