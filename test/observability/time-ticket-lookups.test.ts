import { beforeEach, describe, expect, it } from '@jest/globals';
import { registry, ticketLookupDuration } from '../../src/observability/metrics.js';
import { timeTicketLookups } from '../../src/observability/time-ticket-lookups.js';
import type { TicketLookup } from '../../src/policy/facts.js';
import { TicketProviderError, type TicketQuery, type TicketReader } from '../../src/tickets/ticket-reader.js';

const FOUND: TicketLookup = {
  found: true,
  key: 'CHG-1',
  requestedKey: 'CHG-1',
  status: 'Approved',
  issueType: 'Change',
  summary: 's',
  url: 'https://j/browse/CHG-1',
  approval: null,
};
const QUERY: TicketQuery = { approvedStatuses: ['Approved'], jsmApprovals: false, window: null };

/** A clock that advances 250 ms per reading, so durations are exact. */
function steppingClock() {
  let t = 0;
  return () => (t += 250);
}

async function observed(outcome: string) {
  const metric = await ticketLookupDuration.get();
  const labels = (name: string) =>
    metric.values.find((v) => v.metricName === name && v.labels.provider === 'jira' && v.labels.outcome === outcome)?.value;
  return {
    count: labels('change_control_ticket_lookup_duration_seconds_count'),
    sum: labels('change_control_ticket_lookup_duration_seconds_sum'),
  };
}

beforeEach(() => registry.resetMetrics());

describe('timeTicketLookups', () => {
  it('passes the answer through and observes an ok lookup', async () => {
    const reader = timeTicketLookups({ provider: 'jira', lookup: async () => FOUND }, steppingClock());
    await expect(reader.lookup('CHG-1', QUERY)).resolves.toBe(FOUND);
    expect(await observed('ok')).toEqual({ count: 1, sum: 0.25 });
  });

  it('rethrows the provider error unchanged and observes an error lookup', async () => {
    const failure = new TicketProviderError('Jira did not answer');
    const reader = timeTicketLookups({ provider: 'jira', lookup: async () => Promise.reject(failure) }, steppingClock());
    await expect(reader.lookup('CHG-1', QUERY)).rejects.toBe(failure);
    expect(await observed('error')).toEqual({ count: 1, sum: 0.25 });
    expect((await observed('ok')).count).toBeUndefined();
  });

  it('keeps forget and writeBack of the wrapped reader', () => {
    const forgotten: string[] = [];
    const inner: TicketReader = { provider: 'servicenow', lookup: async () => FOUND, forget: (key) => forgotten.push(key) };
    const reader = timeTicketLookups(inner, steppingClock());
    expect(reader.provider).toBe('servicenow');
    reader.forget?.('CHG0030001');
    expect(forgotten).toEqual(['CHG0030001']);
    expect(reader.writeBack).toBeUndefined();
  });
});
