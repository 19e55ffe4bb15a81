import { afterEach, describe, expect, it, vi } from "vitest";
import { productionEnv } from "../test/env-fixture";
import { cronJobs } from "./cron";
import worker from "./index";

const env = productionEnv;

function context() {
  const pending: Promise<unknown>[] = [];
  return {
    ctx: { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException: () => {}, props: {} },
    settled: () => Promise.all(pending),
  };
}

const controller = (cron: string) => ({ cron, scheduledTime: Date.UTC(2026, 10, 24, 2, 0, 0), noRetry: () => {} });
const logged = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((call) => JSON.parse(String(call[0])));

afterEach(() => {
  vi.restoreAllMocks();
  for (const cron of Object.keys(cronJobs)) delete cronJobs[cron];
});

describe("scheduled", () => {
  it("runs the job registered for the firing cron with the validated env and the scheduled time", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const job = vi.fn(async () => {});
    cronJobs["0 2 * * *"] = job;
    const { ctx, settled } = context();
    await worker.scheduled(controller("0 2 * * *") as ScheduledController, env, ctx as unknown as ExecutionContext);
    await settled();
    expect(job).toHaveBeenCalledOnce();
    const [jobEnv, time] = job.mock.calls[0] as unknown as [Record<string, unknown>, Date];
    expect(jobEnv).toMatchObject({ DATABASE_URL: env.DATABASE_URL, QSTASH_URL: "https://qstash.upstash.io" });
    expect(jobEnv.JWT_SIGNING_KEYS).toEqual(JSON.parse(env.JWT_SIGNING_KEYS));
    expect(time.toISOString()).toBe("2026-11-24T02:00:00.000Z");
  });

  it("logs a job's failure instead of losing it", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    cronJobs["0 2 * * *"] = async () => {
      throw new Error("upstream gone");
    };
    const { ctx, settled } = context();
    await worker.scheduled(controller("0 2 * * *") as ScheduledController, env, ctx as unknown as ExecutionContext);
    await settled();
    expect(logged(errors)).toEqual([expect.objectContaining({ message: "cron failed", cron: "0 2 * * *", errorMessage: "upstream gone" })]);
  });

  it("logs a cron that has no job, and one that cannot run on a broken configuration", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { ctx } = context();
    await worker.scheduled(controller("*/5 * * * *") as ScheduledController, env, ctx as unknown as ExecutionContext);
    await worker.scheduled(controller("*/5 * * * *") as ScheduledController, {}, ctx as unknown as ExecutionContext);
    expect(logged(errors).map((line) => line.message)).toEqual([
      "no job is registered for this cron trigger",
      "cron skipped: invalid configuration",
    ]);
  });
});
