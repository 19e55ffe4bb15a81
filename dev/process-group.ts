import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The command line of a process, or "" when it is gone (Linux /proc). */
const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};

/** Sends SIGTERM to a process group, then SIGKILL if it is still there after `graceMs`. */
export async function stopGroup(pgid: number, graceMs = 5_000): Promise<void> {
  if (!groupAlive(pgid)) return;
  process.kill(-pgid, "SIGTERM");
  for (let waited = 0; waited < graceMs && groupAlive(pgid); waited += 100) await sleep(100);
  if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
}

/**
 * Remembers a child's process group in `file`, so that after a crash (when this process dies
 * without cleaning up) the next start can stop what it left behind.
 */
export function recordGroup(file: string, pgid: number): void {
  writeFileSync(file, String(pgid));
}

/**
 * Stops the group a crashed predecessor recorded, if its leader still runs `expected` (the pid
 * may have been reused by an unrelated process since), and forgets it.
 */
export async function reapRecordedGroup(file: string, expected: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  const pgid = Number(readFileSync(file, "utf8"));
  rmSync(file, { force: true });
  if (!Number.isInteger(pgid) || pgid <= 1 || !commandOf(pgid).includes(expected)) return false;
  await stopGroup(pgid);
  return true;
}
