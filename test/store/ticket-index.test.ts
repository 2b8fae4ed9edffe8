import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, type Backend } from './backends.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('ticket key → pull request index on %s', (_name, make) => {
  const backend: Backend = make();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  const NOW = () => new Date('2026-05-02T12:00:00.000Z');

  it('finds the open PRs that reference a key, ignoring case', async () => {
    const { store } = await backend.fresh({ now: NOW });
    await store.indexTicketKeys({
      repo: 'acme/payments',
      prNumber: 7,
      installationId: 4_000_000_123,
      headSha: 'a'.repeat(40),
      keys: ['CHG-1', 'chg-2'],
    });
    await store.indexTicketKeys({ repo: 'acme/ledger', prNumber: 3, installationId: 12, headSha: 'b'.repeat(40), keys: ['CHG-2'] });

    expect(await store.pullRequestsForTicket('chg-2')).toEqual([
      { repo: 'acme/ledger', prNumber: 3, installationId: 12, headSha: 'b'.repeat(40), updatedAt: '2026-05-02T12:00:00.000Z' },
      { repo: 'acme/payments', prNumber: 7, installationId: 4_000_000_123, headSha: 'a'.repeat(40), updatedAt: '2026-05-02T12:00:00.000Z' },
    ]);
    expect(await store.pullRequestsForTicket('CHG-3')).toEqual([]);
  });

  it('replaces a PR’s keys at each evaluation and drops the PR when it has none (closed)', async () => {
    const { store } = await backend.fresh({ now: NOW });
    await store.indexTicketKeys({ repo: 'acme/payments', prNumber: 7, installationId: 1, headSha: 'a'.repeat(40), keys: ['CHG-1'] });

    await store.indexTicketKeys({
      repo: 'acme/payments',
      prNumber: 7,
      installationId: 1,
      headSha: 'c'.repeat(40),
      keys: ['CHG-5', 'CHG-5'],
    });

    expect(await store.pullRequestsForTicket('CHG-1')).toEqual([]);
    expect(await store.pullRequestsForTicket('CHG-5')).toEqual([expect.objectContaining({ prNumber: 7, headSha: 'c'.repeat(40) })]);

    await store.indexTicketKeys({ repo: 'acme/payments', prNumber: 7, installationId: 1, headSha: 'c'.repeat(40), keys: [] });

    expect(await store.pullRequestsForTicket('CHG-5')).toEqual([]);
  });

  it('pages through the whole index by key, repo and number, from the key after a cursor', async () => {
    const { store } = await backend.fresh({ now: NOW });
    await store.indexTicketKeys({
      repo: 'acme/payments',
      prNumber: 7,
      installationId: 4_000_000_123,
      headSha: 'a'.repeat(40),
      keys: ['CHG0030002', 'CHG-1'],
    });
    await store.indexTicketKeys({
      repo: 'acme/ledger',
      prNumber: 3,
      installationId: 12,
      headSha: 'b'.repeat(40),
      keys: ['chg0030002', 'CHG0030001'],
    });
    const row = (ticketKey: string, repo: string, prNumber: number, installationId: number, sha: string) => ({
      ticketKey,
      repo,
      prNumber,
      installationId,
      headSha: sha.repeat(40),
      updatedAt: '2026-05-02T12:00:00.000Z',
    });

    const first = await store.ticketIndexPage({ afterKey: null, limit: 3 });
    const next = await store.ticketIndexPage({ afterKey: 'CHG0030001', limit: 3 });
    const end = await store.ticketIndexPage({ afterKey: 'CHG0030002', limit: 3 });

    expect(first).toEqual([
      row('CHG-1', 'acme/payments', 7, 4_000_000_123, 'a'),
      row('CHG0030001', 'acme/ledger', 3, 12, 'b'),
      row('CHG0030002', 'acme/ledger', 3, 12, 'b'),
    ]);
    expect(next).toEqual([row('CHG0030002', 'acme/ledger', 3, 12, 'b'), row('CHG0030002', 'acme/payments', 7, 4_000_000_123, 'a')]);
    expect(end).toEqual([]);
  });

  it('keeps the index out of the evidence: the chain has no entry for it', async () => {
    const { store } = await backend.fresh({ now: NOW });

    await store.indexTicketKeys({ repo: 'acme/payments', prNumber: 7, installationId: 1, headSha: 'a'.repeat(40), keys: ['CHG-1'] });

    expect(await store.list({})).toEqual([]);
  });
});
