import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClaimInput } from '../../src/store/created-ticket-store.js';
import { BACKENDS, type Backend } from './backends.js';

const T0 = Date.parse('2026-05-02T12:00:00.000Z');
const claimOf = (token: string, nowMs = T0): ClaimInput => ({
  repo: 'acme/payments',
  prNumber: 7,
  provider: 'jira',
  token,
  nowMs,
  staleMs: 120_000,
});

describe.each(BACKENDS.map((make) => [make().name, make] as const))('created tickets on %s', (_name, make) => {
  const backend: Backend = make();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it('the first claim creates the row; a second while it is fresh is busy; the key once recorded answers both', async () => {
    const { store } = await backend.fresh();
    const tickets = store.createdTickets;

    expect(await tickets.claim(claimOf('a'))).toEqual({ kind: 'claimed', token: 'a', reconcile: false });
    expect(await tickets.claim(claimOf('b', T0 + 1000))).toEqual({ kind: 'busy', sinceMs: T0 });
    expect(await tickets.recordKey({ repo: 'acme/payments', prNumber: 7, token: 'a', key: 'CHG-101' })).toBe(true);

    const created = await tickets.claim(claimOf('c', T0 + 2000));
    expect(created).toMatchObject({ kind: 'created', ticket: { key: 'CHG-101', attempts: 1, bodyWritten: false, closedAt: null } });
    expect(await tickets.byKey('chg-101')).toMatchObject({ repo: 'acme/payments', prNumber: 7, provider: 'jira' });
  });

  it('a released claim (failed attempt) is taken over at once, and the taker must reconcile', async () => {
    const { store } = await backend.fresh();
    const tickets = store.createdTickets;
    await tickets.claim(claimOf('a'));

    await tickets.release({ repo: 'acme/payments', prNumber: 7, token: 'a' });

    expect(await tickets.claim(claimOf('b', T0 + 10))).toEqual({ kind: 'claimed', token: 'b', reconcile: true });
    expect((await tickets.get('acme/payments', 7))?.attempts).toBe(2);
  });

  it('a stale claim (its holder crashed) is taken over; the old holder then cannot record its key', async () => {
    const { store } = await backend.fresh();
    const tickets = store.createdTickets;
    await tickets.claim(claimOf('a'));

    expect(await tickets.claim(claimOf('b', T0 + 120_001))).toEqual({ kind: 'claimed', token: 'b', reconcile: true });
    expect(await tickets.recordKey({ repo: 'acme/payments', prNumber: 7, token: 'a', key: 'CHG-1' })).toBe(false);
    expect(await tickets.recordKey({ repo: 'acme/payments', prNumber: 7, token: 'b', key: 'CHG-2' })).toBe(true);
    expect((await tickets.get('acme/payments', 7))?.key).toBe('CHG-2');
  });

  it('two replicas claiming at once: exactly one holds the claim', async () => {
    const db = await backend.fresh();
    const other = await db.openAnother();

    const answers = await Promise.all([db.store.createdTickets.claim(claimOf('a')), other.createdTickets.claim(claimOf('b'))]);

    expect(answers.filter((a) => a.kind === 'claimed')).toHaveLength(1);
    expect(answers.filter((a) => a.kind === 'busy')).toHaveLength(1);
  });

  it('records the PR line and the close', async () => {
    const { store } = await backend.fresh();
    const tickets = store.createdTickets;
    await tickets.claim(claimOf('a'));
    await tickets.recordKey({ repo: 'acme/payments', prNumber: 7, token: 'a', key: 'CHG-101' });

    await tickets.markBodyWritten('acme/payments', 7);
    await tickets.markClosed('acme/payments', 7, '2026-05-03T09:00:00.000Z');

    expect(await tickets.get('acme/payments', 7)).toEqual({
      repo: 'acme/payments',
      prNumber: 7,
      provider: 'jira',
      key: 'CHG-101',
      attempts: 1,
      bodyWritten: true,
      closedAt: '2026-05-03T09:00:00.000Z',
    });
    expect(await tickets.get('acme/payments', 8)).toBeNull();
  });
});
