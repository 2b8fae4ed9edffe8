import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GENESIS_HASH } from '../../src/audit/audit-entry.js';
import { verifyChain } from '../../src/audit/verify-chain.js';
import { BACKENDS, type Backend } from './backends.js';
import { appendNumbered, newEntry } from '../audit/entries.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('audit store on %s', (_name, make) => {
  const backend: Backend = make();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it('appends the first entry after the genesis hash and reads it back unchanged', async () => {
    const { store } = await backend.fresh();

    const appended = await store.append(newEntry({ deliveryId: 'd-1' }));

    expect(appended).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, signature: null, deliveryId: 'd-1' });
    expect(appended?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.list({})).toEqual([appended]);
  });

  it('chains each entry to the one before, with no gaps', async () => {
    const { store } = await backend.fresh();

    await appendNumbered(store, 5);

    const entries = await store.list({});
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
    for (const [index, entry] of entries.entries()) {
      expect(entry.prevHash).toBe(index === 0 ? GENESIS_HASH : entries[index - 1]?.hash);
    }
    expect(await verifyChain(store.iterate())).toEqual({ ok: true, count: 5, headHash: entries[4]?.hash });
  });

  it('adds nothing for a redelivered webhook (same delivery id, kind, repo and PR)', async () => {
    const { store } = await backend.fresh();
    const first = await store.append(newEntry({ deliveryId: 'delivery-1' }));

    const again = await store.append(newEntry({ deliveryId: 'delivery-1', data: { state: 'failure' } }));

    expect(again).toBeNull();
    expect(await store.list({})).toEqual([first]);
    // The next entry still follows the first: the refused one left no trace in the chain.
    expect(await store.append(newEntry({ deliveryId: 'delivery-2' }))).toMatchObject({ seq: 2, prevHash: first?.hash });
  });

  it.each([
    ['another kind', { kind: 'push' as const }],
    ['another PR', { prNumber: 8 }],
    ['another repo', { repo: 'acme/ledger' }],
  ])('records one delivery once per kind, repo and PR (%s)', async (_case, other) => {
    const { store } = await backend.fresh();
    await store.append(newEntry({ deliveryId: 'delivery-1' }));

    const appended = await store.append(newEntry({ deliveryId: 'delivery-1', ...other }));

    expect(appended?.seq).toBe(2);
  });

  it('never deduplicates entries without a delivery id', async () => {
    const { store } = await backend.fresh();

    await store.append(newEntry());
    const second = await store.append(newEntry());

    expect(second?.seq).toBe(2);
  });

  it('rejects an invalid entry, saying which field, and writes nothing', async () => {
    const { store } = await backend.fresh();

    await expect(store.append(newEntry({ headSha: 'not-a-sha' }))).rejects.toThrow(/invalid audit entry[\s\S]*headSha/);
    await expect(store.append(newEntry({ data: { n: Number.NaN } }))).rejects.toThrow(/NaN/);

    expect(await store.list({})).toEqual([]);
  });

  it('keeps data exactly so the hash re-computes (key order, unicode, nesting, dropped undefined)', async () => {
    const { store } = await backend.fresh();
    const data = { z: 1, a: { y: [1, 2.5, 'é✓😀', null, true], b: 'x' }, gone: undefined, big: 1e21, neg: -0.000001 };

    const appended = await store.append(newEntry({ data }));

    const [read] = await store.list({});
    expect(read).toEqual(appended);
    expect(read?.data).toEqual({ z: 1, a: { y: [1, 2.5, 'é✓😀', null, true], b: 'x' }, big: 1e21, neg: -0.000001 });
    expect(await verifyChain(store.iterate())).toMatchObject({ ok: true, count: 1 });
  });

  it('keeps `at` as written, offset included, and filters on the instant it names', async () => {
    const { store } = await backend.fresh();
    await store.append(newEntry({ at: '2025-03-01T11:30:00+02:00', data: { n: 1 } })); // 09:30Z
    await store.append(newEntry({ at: '2025-03-01T10:00:00Z', data: { n: 2 } }));

    const early = await store.list({ until: '2025-03-01T10:00:00Z' });

    expect(early.map((entry) => entry.at)).toEqual(['2025-03-01T11:30:00+02:00']);
  });

  describe('list and latest', () => {
    async function filled() {
      const { store } = await backend.fresh();
      const entries = [
        newEntry({ kind: 'push', at: '2025-03-01T09:00:00.000Z', prNumber: 1 }),
        newEntry({ kind: 'verdict', at: '2025-03-01T10:00:00.000Z', prNumber: 1 }),
        newEntry({ kind: 'verdict', at: '2025-03-02T10:00:00.000Z', prNumber: 2 }),
        newEntry({ kind: 'merge', at: '2025-03-03T10:00:00.000Z', prNumber: 1 }),
        newEntry({ kind: 'verdict', at: '2025-03-04T10:00:00.000Z', repo: 'acme/ledger', prNumber: 1 }),
        newEntry({ kind: 'config-error', at: '2025-03-05T10:00:00.000Z', repo: 'acme/ledger', prNumber: null, headSha: null }),
      ];
      for (const entry of entries) await store.append(entry);
      return store;
    }
    const seqs = (entries: Array<{ seq: number }>) => entries.map((entry) => entry.seq);

    it.each([
      ['no filter', {}, [1, 2, 3, 4, 5, 6]],
      ['repo', { repo: 'acme/payments' }, [1, 2, 3, 4]],
      ['repo and PR', { repo: 'acme/payments', prNumber: 1 }, [1, 2, 4]],
      ['kinds', { kinds: ['verdict' as const, 'merge' as const] }, [2, 3, 4, 5]],
      ['no kinds at all', { kinds: [] }, []],
      ['since (inclusive)', { since: '2025-03-03T10:00:00.000Z' }, [4, 5, 6]],
      ['until (exclusive)', { until: '2025-03-02T10:00:00.000Z' }, [1, 2]],
      ['afterSeq', { afterSeq: 4 }, [5, 6]],
      ['limit', { limit: 2 }, [1, 2]],
      ['newest first with a limit', { newestFirst: true, limit: 2 }, [6, 5]],
      [
        'everything together',
        { repo: 'acme/payments', kinds: ['verdict' as const], since: '2025-03-01T00:00:00Z', afterSeq: 1, limit: 5 },
        [2, 3],
      ],
    ])('list filters by %s', async (_case, filter, expected) => {
      const store = await filled();

      expect(seqs(await store.list(filter))).toEqual(expected);
    });

    it('latest returns the most recent match, or null', async () => {
      const store = await filled();

      expect((await store.latest({ repo: 'acme/payments', kinds: ['verdict'] }))?.seq).toBe(3);
      expect((await store.latest({}))?.seq).toBe(6);
      expect(await store.latest({ repo: 'acme/nothing' })).toBeNull();
    });

    it('refuses a limit that is not a whole number ≥ 1', async () => {
      const store = await filled();

      await expect(store.list({ limit: 0 })).rejects.toThrow('limit must be a whole number ≥ 1, got 0');
    });
  });

  it.each([1, 3, 1000])('iterates every entry in order in batches of %i', async (batchSize) => {
    const { store } = await backend.fresh();
    await appendNumbered(store, 7);

    const seen: number[] = [];
    for await (const entry of store.iterate(batchSize)) seen.push(entry.seq);

    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('appendMany chains like append, and drops redeliveries within the batch', async () => {
    const { store } = await backend.fresh();
    await store.append(newEntry({ deliveryId: 'd-0' }));

    const results = await store.appendMany([
      newEntry({ deliveryId: 'd-1' }),
      newEntry({ deliveryId: 'd-0' }),
      newEntry({ deliveryId: 'd-1' }),
      newEntry({ deliveryId: 'd-2' }),
    ]);

    expect(results.map((entry) => entry?.seq ?? null)).toEqual([2, null, null, 3]);
    expect(await verifyChain(store.iterate())).toMatchObject({ ok: true, count: 3 });
  });

  it('appendMany writes nothing when one entry is invalid', async () => {
    const { store } = await backend.fresh();

    await expect(store.appendMany([newEntry(), newEntry({ repo: 'no-slash' })])).rejects.toThrow(/repo/);

    expect(await store.list({})).toEqual([]);
  });

  it('keeps mutable meta values outside the chain', async () => {
    const { store } = await backend.fresh();

    expect(await store.getMeta('trail-comment:acme/payments#7')).toBeNull();
    await store.setMeta('trail-comment:acme/payments#7', '101');
    await store.setMeta('trail-comment:acme/payments#7', '102');

    expect(await store.getMeta('trail-comment:acme/payments#7')).toBe('102');
    expect(await store.list({})).toEqual([]);
  });

  it('keeps one reconciliation watermark per repository outside the chain, replaced on each sweep', async () => {
    const { store } = await backend.fresh();
    expect(await store.reconciliationWatermarks()).toEqual([]);

    await store.setReconciliationWatermark({ repo: 'acme/payments', from: '2026-01-01T00:00:00.000Z', upTo: '2026-01-02T00:00:00.000Z' });
    await store.setReconciliationWatermark({ repo: 'acme/ledger', from: '2026-01-01T00:00:00.000Z', upTo: '2026-01-01T06:00:00.000Z' });
    await store.setReconciliationWatermark({ repo: 'acme/payments', from: '2025-12-01T00:00:00.000Z', upTo: '2026-01-03T00:00:00.000Z' });

    expect(await store.reconciliationWatermarks()).toEqual([
      { repo: 'acme/ledger', from: '2026-01-01T00:00:00.000Z', upTo: '2026-01-01T06:00:00.000Z' },
      { repo: 'acme/payments', from: '2025-12-01T00:00:00.000Z', upTo: '2026-01-03T00:00:00.000Z' },
    ]);
    expect(await store.reconciliationWatermarks('acme/ledger')).toEqual([
      { repo: 'acme/ledger', from: '2026-01-01T00:00:00.000Z', upTo: '2026-01-01T06:00:00.000Z' },
    ]);
    expect(await store.reconciliationWatermarks('acme/unknown')).toEqual([]);
    expect(await store.list({})).toEqual([]);
  });

  it('runs migrations once: opening the database again keeps the entries and applies nothing twice', async () => {
    const db = await backend.fresh({ now: () => new Date('2025-01-01T00:00:00Z') });
    await appendNumbered(db.store, 2);

    const again = await db.openAnother();
    const third = await again.append(newEntry());

    expect(third?.seq).toBe(3);
    expect(await db.raw('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual([
      { version: 1, name: 'audit entries, append-only' },
      { version: 2, name: 'meta' },
      { version: 3, name: 'work queue and deliveries (not evidence)' },
      { version: 4, name: 'ticket key to pull request index' },
      { version: 5, name: 'dashboard: entries by kind and time' },
      { version: 6, name: 'queue dead letters' },
      { version: 7, name: 'write budget sends (PostgreSQL: shared by replicas)' },
      { version: 8, name: 'created tickets (one per pull request)' },
      { version: 9, name: 'reconciliation watermarks' },
    ]);
    await again.close();
  });
});
