/**
 * Batches calls made in the same turn of the event loop into one call of `commitAll` (one SQLite transaction,
 * so one fsync for a burst of webhooks instead of one each). Every caller still resolves only after the batch
 * is committed. If the batch fails, each input is committed on its own, so one bad input fails only its caller.
 */
export function groupCommit<I, R>(commitAll: (inputs: I[]) => R[]): (input: I) => Promise<R> {
  let batch: Array<{ input: I; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];

  function one(entry: (typeof batch)[number]): void {
    try {
      const [result] = commitAll([entry.input]);
      entry.resolve(result as R);
    } catch (error) {
      entry.reject(error);
    }
  }

  function flush(): void {
    const current = batch;
    batch = [];
    try {
      const results = commitAll(current.map((entry) => entry.input));
      current.forEach((entry, index) => entry.resolve(results[index] as R));
    } catch (error) {
      if (current.length === 1) return current[0]?.reject(error);
      for (const entry of current) one(entry);
    }
  }

  return (input) =>
    new Promise<R>((resolve, reject) => {
      batch.push({ input, resolve, reject });
      if (batch.length === 1) setImmediate(flush);
    });
}
