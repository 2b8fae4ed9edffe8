import type { QueueStats } from '../observability/metrics.js';
import type { QueueStore } from '../store/queue-store.js';

/** The queue's gauges at scrape time: depth, age of the oldest event still waiting or in flight, items waiting for a retry, rows moved to the dead letters. */
export function queueStatsSource(queue: QueueStore, clock: () => number = Date.now): () => Promise<QueueStats> {
  return async () => {
    const stats = await queue.stats();
    const oldestAgeSeconds = stats.oldestEnqueuedAt === null ? 0 : Math.max(0, (clock() - stats.oldestEnqueuedAt) / 1000);
    return { depth: stats.depth, oldestAgeSeconds, retrying: stats.retrying, deadLetters: stats.deadLetters };
  };
}
