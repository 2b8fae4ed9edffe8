/** The last task queued per key, per scope (one scope per app instance: its `AppDeps`). */
const tails = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * Runs `task` once every earlier task with the same key in the same scope has settled. Probot handles
 * deliveries concurrently, and GitHub sends several at once for one PR (a review, a check run and a
 * status finishing together): evaluations that overlap both read "nothing published yet" and each
 * create a check run, and an older read can be published last. One at a time, a later evaluation
 * reads what the earlier one wrote and writes nothing when nothing changed.
 */
export async function oneAtATime<T>(scope: object, key: string, task: () => Promise<T>): Promise<T> {
  let byKey = tails.get(scope);
  if (!byKey) {
    byKey = new Map();
    tails.set(scope, byKey);
  }
  const run = (byKey.get(key) ?? Promise.resolve()).then(task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  byKey.set(key, tail);
  try {
    return await run;
  } finally {
    if (byKey.get(key) === tail) byKey.delete(key);
  }
}
