/** The last task queued per key, per scope (one scope per app instance: its `AppDeps`). */
const tails = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * Runs `task` once every earlier task with the same key in the same scope has settled. In this process only:
 * the evaluation does not use it (the queue's lease serialises it across replicas); two handlers still do, an
 * emergency authorisation per PR (not two follow-up issues for two comments handled at once) and a
 * deployment_status per environment.
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
