import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditStore } from '../../src/audit/audit-entry.js';
import { DryRunWriteError, readOnlyDeps } from '../../src/evaluation/read-only-deps.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import type { TicketReader } from '../../src/tickets/ticket-reader.js';

/** The dry run's dependencies: the app's reads as they are, every write refused (docs/cli.md `evaluate`). */

const PUSH = {
  kind: 'push' as const,
  at: '2026-11-01T10:00:00.000Z',
  deliveryId: 'd-push-1',
  repo: 'acme/payments',
  prNumber: 7,
  headSha: 'a'.repeat(40),
  data: { pusher: 'mallory' },
};

let store: AuditStore;
beforeAll(async () => {
  store = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
  await store.append(PUSH);
  await store.setMeta('trail-comment:acme/payments#7', '99');
});
afterAll(() => store.close());

function deps() {
  const writeBack = async () => ({ steps: [] });
  const reader: TicketReader = {
    provider: 'jira',
    lookup: async (key) => ({ found: false, requestedKey: key, url: `https://jira/${key}` }),
    writeBack,
    forget: () => undefined,
  };
  return readOnlyDeps({
    appId: 1,
    now: () => new Date('2026-11-02T00:00:00Z'),
    audit: store,
    tickets: { reader },
    serviceNow: { unavailable: 'SERVICENOW_INSTANCE_URL is not set' },
  });
}

describe('readOnlyDeps', () => {
  it('reads the audit store as the app does: pushers and meta', async () => {
    const { audit } = deps();

    expect(await audit.list({ repo: 'acme/payments', prNumber: 7, kinds: ['push'] })).toEqual([
      expect.objectContaining({ data: PUSH.data }),
    ]);
    expect(await audit.latest({ repo: 'acme/payments' })).toMatchObject({ kind: 'push' });
    expect(await audit.getMeta('trail-comment:acme/payments#7')).toBe('99');
  });

  it.each([
    ['an audit entry', (audit: AuditStore) => audit.append({ ...PUSH, deliveryId: 'd-push-2' })],
    ['a meta value', (audit: AuditStore) => audit.setMeta('trail-comment:acme/payments#7', '100')],
    [
      'the ticket key index',
      (audit: AuditStore) =>
        audit.indexTicketKeys({ repo: 'acme/payments', prNumber: 7, installationId: 1, headSha: PUSH.headSha, keys: ['CHG-1'] }),
    ],
    ['closing the audit store', (audit: AuditStore) => audit.close()],
  ])('refuses %s, and the store is unchanged', async (what, write) => {
    const { audit } = deps();

    expect(() => write(audit)).toThrow(new DryRunWriteError(`a dry run writes nothing: refused ${what}`));
    expect(await store.list({})).toHaveLength(1);
    expect(await store.getMeta('trail-comment:acme/payments#7')).toBe('99');
  });

  it('has no queue: queueing, claiming and even reading it are refused', () => {
    const { queue } = deps();

    expect(() => queue.enqueue([], 0)).toThrow(DryRunWriteError);
    expect(() => queue.accept({ deliveryId: 'd', event: 'pull_request', requests: [], now: 0 })).toThrow(DryRunWriteError);
    expect(() => queue.claim({ owner: 'w', now: 0, leaseMs: 1 })).toThrow(DryRunWriteError);
    expect(() => queue.stats()).toThrow(DryRunWriteError);
  });

  it('keeps the ticket lookups and drops the write-back; an unavailable provider stays unavailable', async () => {
    const { tickets, serviceNow } = deps();

    if (!('reader' in tickets)) throw new Error('the Jira reader is gone');
    expect(tickets.reader.writeBack).toBeUndefined();
    expect(tickets.reader.forget).toBeUndefined();
    await expect(
      tickets.reader.lookup('CHG-1', { approvedStatuses: ['Approved'], jsmApprovals: false, window: null }),
    ).resolves.toMatchObject({ found: false });
    expect(serviceNow).toEqual({ unavailable: 'SERVICENOW_INSTANCE_URL is not set' });
  });

  it('never needs the bot login', async () => {
    await expect(deps().botLogin()).rejects.toThrow('it never needs the bot login');
  });
});
