import { loadEnv } from "../core/env";
import { describeError, log } from "../core/logger";
import { createApp, createMisconfiguredApp } from "./app";
import { cronJob } from "./cron";
import { serveWithLocalLimits, withLocalLimits } from "./platform/local-limits";

const app = createApp();
const misconfigured = new WeakMap<object, ReturnType<typeof createMisconfiguredApp>>();

/**
 * The Worker. The environment is validated before anything runs (once per isolate), so handlers
 * only ever see a typed, valid configuration. Outside production each invocation's outbound
 * requests are limited as the platform limits them (functions/platform/local-limits.ts).
 */
export default {
  fetch(request, rawEnv, ctx) {
    const loaded = loadEnv(rawEnv);
    if (loaded.ok) return serveWithLocalLimits(loaded.env, () => app.fetch(request, loaded.env, ctx));
    let fallback = misconfigured.get(loaded);
    if (!fallback) misconfigured.set(loaded, (fallback = createMisconfiguredApp(loaded.problems)));
    return fallback.fetch(request, rawEnv, ctx);
  },

  async scheduled(controller, rawEnv, ctx) {
    const loaded = loadEnv(rawEnv);
    if (!loaded.ok) {
      log("error", "cron skipped: invalid configuration", { cron: controller.cron, problems: loaded.problems });
      return;
    }
    const job = cronJob(controller.cron);
    if (!job) {
      log("error", "no job is registered for this cron trigger", { cron: controller.cron });
      return;
    }
    const scheduledTime = new Date(controller.scheduledTime);
    log("info", "cron started", { cron: controller.cron, scheduledTime: scheduledTime.toISOString() });
    // The job runs in waitUntil, which is part of this invocation: it spends this invocation's budget.
    withLocalLimits(loaded.env, () =>
      ctx.waitUntil(
        job(loaded.env, scheduledTime).catch((error: unknown) =>
          log("error", "cron failed", { cron: controller.cron, ...describeError(error) }),
        ),
      ),
    );
  },
} satisfies ExportedHandler<Record<string, unknown>>;
