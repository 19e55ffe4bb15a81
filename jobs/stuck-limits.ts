import type { Env } from "../core/env";
import type { StuckLimits } from "../db/queries/runs";

/**
 * When a run is stuck, for the request that finds one in its scope and for the clean-up's sweep
 * alike: queued and not started RUN_START_GRACE_SECONDS after its debounce, or no step begun or
 * ended for RUN_STALL_SECONDS.
 */
export const stuckLimits = (env: Env): StuckLimits => ({
  startSeconds: env.REFRESH_DEBOUNCE_SECONDS + env.RUN_START_GRACE_SECONDS,
  stallSeconds: env.RUN_STALL_SECONDS,
});
