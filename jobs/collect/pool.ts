/**
 * Runs tasks at most `limit` at a time, in the order given, and resolves with their results in
 * that order. A task is only called when a slot is free, so whatever it starts (a fetch and its
 * deadline) starts then: behind the Worker's six-connection queue, a deadline armed before the
 * request is sent would run out while the request still waits for a connection. Tasks should not
 * throw (a failure is a result); one that does rejects the whole run.
 */
export async function runPooled<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  // One iterator shared by the workers: each takes the next task when it is free.
  const queue = tasks.entries();
  const worker = async () => {
    for (const [index, task] of queue) results[index] = await task();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}
