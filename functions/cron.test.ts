import { describe, expect, it } from "vitest";
import { cronJob, cronJobs } from "./cron";

describe("cronJob", () => {
  it("finds the registered jobs and no member of Object.prototype", () => {
    for (const cron of Object.keys(cronJobs)) expect(cronJob(cron)).toBe(cronJobs[cron]);
    for (const name of [...Object.getOwnPropertyNames(Object.prototype), "__proto__"]) expect(cronJob(name), name).toBeUndefined();
  });
});
