import type { QueueStore } from '../store/queue-store.js';

/** The store, calling `wake` after each successful enqueue: the local worker starts at once instead of at its next poll. */
export function withWakeUp(queue: QueueStore, wake: () => void): QueueStore {
  return {
    ...queue,
    accept: async (input) => {
      const result = await queue.accept(input);
      if (!result.duplicate && input.requests.length > 0) wake();
      return result;
    },
    enqueue: async (requests, now) => {
      const coalesced = await queue.enqueue(requests, now);
      if (requests.length > 0) wake();
      return coalesced;
    },
  };
}
