import type { TicketLookup } from '../policy/facts.js';
import type { TicketQuery, TicketReader } from './ticket-reader.js';
import { DEFAULT_RETRIES, withRetries, type RetryOptions } from './with-retries.js';

export const DEFAULT_CACHE_SECONDS = 30;

interface Cached {
  expiresAt: number;
  answer: Promise<TicketLookup>;
}

/**
 * Wraps a provider's reader with retries and a short cache, so a burst of events about one PR (opened, labelled,
 * checks completing) asks the provider once. Only answers are cached, never failures; a lookup in flight is shared.
 * The cache key is the provider, the key and what the query asks (statuses, approvals, window).
 */
export function createResilientReader(input: {
  reader: TicketReader;
  /** Used when the policy does not set `ticket.cache_seconds`. */
  defaultCacheSeconds?: number;
  retries?: RetryOptions;
  now?: () => number;
}): TicketReader {
  const { reader } = input;
  const now = input.now ?? Date.now;
  const retries = input.retries ?? DEFAULT_RETRIES;
  const cache = new Map<string, Cached>();
  const keyOf = (key: string, query: TicketQuery) =>
    JSON.stringify([reader.provider, key.toUpperCase(), query.approvedStatuses, query.jsmApprovals, query.window]);

  return {
    provider: reader.provider,
    lookup(key: string, query: TicketQuery): Promise<TicketLookup> {
      const ttlMs = (query.cacheSeconds ?? input.defaultCacheSeconds ?? DEFAULT_CACHE_SECONDS) * 1000;
      const cacheKey = keyOf(key, query);
      const hit = cache.get(cacheKey);
      if (hit && hit.expiresAt > now()) return hit.answer;
      const answer = withRetries(() => reader.lookup(key, query), retries);
      if (ttlMs > 0) {
        cache.set(cacheKey, { expiresAt: now() + ttlMs, answer });
        answer.catch(() => {
          if (cache.get(cacheKey)?.answer === answer) cache.delete(cacheKey);
        });
      }
      return answer;
    },
    // Writes are not retried: a comment sent twice would be posted twice.
    ...(reader.writeBack ? { writeBack: reader.writeBack.bind(reader) } : {}),
    // A create is not retried here either (a lost answer would make a second ticket): the caller's claim and marker
    // search make the queue's retry safe. The search is a read: retried.
    ...(reader.create ? { create: reader.create.bind(reader) } : {}),
    ...(reader.close ? { close: reader.close.bind(reader) } : {}),
    ...(reader.findByMarker
      ? { findByMarker: (search: { marker: string; project: string }) => withRetries(() => reader.findByMarker!(search), retries) }
      : {}),
    forget(key: string): void {
      const prefix = JSON.stringify([reader.provider, key.toUpperCase()]).slice(0, -1);
      for (const cacheKey of cache.keys()) if (cacheKey.startsWith(`${prefix},`)) cache.delete(cacheKey);
      reader.forget?.(key);
    },
  };
}
