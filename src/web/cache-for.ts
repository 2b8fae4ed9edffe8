/**
 * Wraps an async probe so its result is reused for `ttlMs` (readiness probes every few seconds must
 * not spend GitHub requests). Concurrent callers share one probe in flight.
 */
export function cacheFor<T>(probe: () => Promise<T>, options: { ttlMs: number; now?: () => number }): () => Promise<T> {
  const now = options.now ?? Date.now;
  let cached: { value: Promise<T>; at: number } | null = null;
  return () => {
    if (cached && now() - cached.at < options.ttlMs) return cached.value;
    const value = probe();
    const entry = { value, at: now() };
    cached = entry;
    // A probe that throws is not remembered: the next call asks again.
    value.catch(() => {
      if (cached === entry) cached = null;
    });
    return value;
  };
}
