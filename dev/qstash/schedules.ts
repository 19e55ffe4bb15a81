import { Cron } from "croner";
import { bodyFields, HttpError, headerRecord, instantiate, type Message, type MessageSpec } from "./message";

interface Schedule {
  scheduleId: string;
  cron: string;
  spec: MessageSpec;
  job: Cron;
  createdAt: number;
}

/** Cron schedules that publish a message each time they fire. */
export class Schedules {
  private readonly schedules = new Map<string, Schedule>();

  constructor(private readonly publish: (message: Message) => void) {}

  /** Creates the schedule, or replaces the one with that id (QStash's upsert by `Upstash-Schedule-Id`). */
  create(scheduleId: string, cron: string, spec: MessageSpec): void {
    const job = startJob(cron, () => this.publish(instantiate(spec, scheduleId)));
    this.schedules.get(scheduleId)?.job.stop();
    this.schedules.set(scheduleId, { scheduleId, cron, spec, job, createdAt: Date.now() });
  }

  get(scheduleId: string) {
    const schedule = this.schedules.get(scheduleId);
    return schedule && scheduleJson(schedule);
  }

  list() {
    return [...this.schedules.values()].map(scheduleJson);
  }

  delete(scheduleId: string): void {
    this.schedules.get(scheduleId)?.job.stop();
    this.schedules.delete(scheduleId);
  }

  setPaused(scheduleId: string, paused: boolean): void {
    const job = this.schedules.get(scheduleId)?.job;
    if (paused) job?.pause();
    else job?.resume();
  }

  close(): void {
    for (const { job } of this.schedules.values()) job.stop();
    this.schedules.clear();
  }
}

/**
 * QStash takes 5-field cron in UTC, optionally prefixed with `CRON_TZ=<zone> `; 6 fields
 * (seconds first) are accepted too so that tests need not wait for whole minutes.
 */
function startJob(cron: string, fire: () => void): Cron {
  const zoned = /^CRON_TZ=(\S+)\s+(.+)$/.exec(cron);
  try {
    return new Cron(zoned?.[2] ?? cron, { timezone: zoned?.[1] ?? "UTC", mode: "5-or-6-parts" }, fire);
  } catch (error) {
    throw new HttpError(400, `invalid cron "${cron}": ${error instanceof Error ? error.message : error}`);
  }
}

/** The shape `client.schedules.get` / `list` read. */
function scheduleJson({ scheduleId, cron, spec, job, createdAt }: Schedule) {
  return {
    scheduleId,
    cron,
    createdAt,
    destination: spec.url,
    method: spec.method,
    header: headerRecord(spec.headers),
    ...bodyFields(spec.body),
    retries: spec.maxRetries,
    ...(spec.delayMs > 0 && { delay: spec.delayMs / 1000 }),
    callback: spec.callback?.url,
    failureCallback: spec.failureCallback?.url,
    callerIP: spec.callerIp,
    isPaused: !job.isRunning(),
    lastScheduleTime: job.previousRun()?.getTime(),
    nextScheduleTime: job.nextRun()?.getTime(),
  };
}
