import { describe, expect, it } from '@jest/globals';
import type { TicketLookup } from '../../src/policy/facts.js';
import { createResilientReader } from '../../src/tickets/create-resilient-reader.js';
import { TicketProviderError, type TicketQuery, type TicketReader } from '../../src/tickets/ticket-reader.js';

const QUERY: TicketQuery = { approvedStatuses: ['Approved'], jsmApprovals: false, window: null };
const FOUND: TicketLookup = {
  found: true,
  key: 'CHG-1',
  requestedKey: 'CHG-1',
  status: 'Approved',
  issueType: 'Change',
  summary: 's',
  url: 'u',
  approval: null,
};

/** A provider whose answers the test releases one by one. */
function fakeReader(): TicketReader & { calls: string[]; release: (answer: TicketLookup | Error) => void } {
  const waiting: ((answer: TicketLookup | Error) => void)[] = [];
  const calls: string[] = [];
  return {
    provider: 'jira',
    calls,
    lookup(key) {
      calls.push(key);
      return new Promise((resolve, reject) => waiting.push((answer) => (answer instanceof Error ? reject(answer) : resolve(answer))));
    },
    release: (answer) => waiting.shift()?.(answer),
  };
}

const noSleep = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, sleep: async () => undefined };

describe('createResilientReader', () => {
  it('shares a lookup in flight: a burst of evaluations asks the provider once', async () => {
    const reader = fakeReader();
    const resilient = createResilientReader({ reader, retries: noSleep, now: () => 0 });

    const answers = Promise.all([resilient.lookup('CHG-1', QUERY), resilient.lookup('CHG-1', QUERY), resilient.lookup('chg-1', QUERY)]);
    reader.release(FOUND);

    await expect(answers).resolves.toEqual([FOUND, FOUND, FOUND]);
    expect(reader.calls).toEqual(['CHG-1']);
  });

  it('keys the cache by what the query asks: other statuses, approvals or window are another lookup', async () => {
    const reader = fakeReader();
    const resilient = createResilientReader({ reader, retries: noSleep, now: () => 0 });

    const first = resilient.lookup('CHG-1', QUERY);
    const jsm = resilient.lookup('CHG-1', { ...QUERY, jsmApprovals: true });
    reader.release(FOUND);
    reader.release(FOUND);
    await Promise.all([first, jsm]);

    expect(reader.calls).toEqual(['CHG-1', 'CHG-1']);
  });

  it('shares a failure in flight but never keeps it', async () => {
    const reader = fakeReader();
    const resilient = createResilientReader({ reader, retries: noSleep, now: () => 0 });

    const both = Promise.allSettled([resilient.lookup('CHG-1', QUERY), resilient.lookup('CHG-1', QUERY)]);
    reader.release(new TicketProviderError('Jira failed to answer for CHG-1 (HTTP 503)', { retryable: true }));
    const settled = await both;
    const again = resilient.lookup('CHG-1', QUERY);
    reader.release(FOUND);

    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    await expect(again).resolves.toEqual(FOUND);
    expect(reader.calls).toEqual(['CHG-1', 'CHG-1']);
  });

  it('asks every time with cache_seconds 0', async () => {
    const reader = fakeReader();
    const resilient = createResilientReader({ reader, retries: noSleep, now: () => 0 });

    const a = resilient.lookup('CHG-1', { ...QUERY, cacheSeconds: 0 });
    reader.release(FOUND);
    await a;
    const b = resilient.lookup('CHG-1', { ...QUERY, cacheSeconds: 0 });
    reader.release(FOUND);
    await b;

    expect(reader.calls).toEqual(['CHG-1', 'CHG-1']);
  });
});
