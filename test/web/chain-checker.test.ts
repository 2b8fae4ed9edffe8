import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chainChecker, FULL_CHECK_MS } from '../../src/web/dashboard/chain-checker.js';
import { sqliteBackend } from '../store/backends.js';
import { appendNumbered, newEntry } from '../audit/entries.js';

const HASH_MISMATCH = 'hash mismatch: the entry was changed after it was written';

describe('the change pages’ chain check', () => {
  const backend = sqliteBackend();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it('walks the whole chain, then verifies only new entries until the walk is FULL_CHECK_MS old', async () => {
    const db = await backend.fresh();
    await appendNumbered(db.store, 5);
    let now = Date.parse('2026-03-02T12:00:00.000Z');
    const check = chainChecker({ store: db.store, now: () => new Date(now) });

    expect(await check(3)).toMatchObject({
      result: { ok: true, count: 5 },
      upToSeq: 3,
      checked: 'hashes',
      fullCheckAt: '2026-03-02T12:00:00.000Z',
    });
    await db.store.append(newEntry({ data: { index: 6 } }));
    now += 60_000;
    expect(await check(6)).toMatchObject({ result: { ok: true, count: 6 }, fullCheckAt: '2026-03-02T12:00:00.000Z' });

    // Changed behind the triggers after it was verified: shown once the next whole walk is due.
    await db.disableTriggers();
    await db.raw('UPDATE audit_entries SET data = \'{"index":99}\' WHERE seq = 2');
    expect(await check(4)).toMatchObject({ result: { ok: true } });
    now += FULL_CHECK_MS + 1;
    expect((await check(4)).result).toEqual({ ok: false, count: 1, brokenSeq: 2, reason: HASH_MISMATCH });
  });

  it('finds a change to a new entry at once, and never remembers a broken chain', async () => {
    const db = await backend.fresh();
    await appendNumbered(db.store, 3);
    const check = chainChecker({ store: db.store, now: () => new Date('2026-03-02T12:00:00.000Z') });
    expect((await check(3)).result.ok).toBe(true);
    await appendNumbered(db.store, 2);
    await db.disableTriggers();
    await db.raw("UPDATE audit_entries SET repo = 'acme/other' WHERE seq = 5");
    expect((await check(5)).result).toEqual({ ok: false, count: 4, brokenSeq: 5, reason: HASH_MISMATCH });
    expect((await check(2)).result).toEqual({ ok: false, count: 4, brokenSeq: 5, reason: HASH_MISMATCH });
  });

  it('says entries are missing when the chain is shorter than the change', async () => {
    const db = await backend.fresh();
    await appendNumbered(db.store, 2);
    const check = chainChecker({ store: db.store, now: () => new Date('2026-03-02T12:00:00.000Z') });
    expect((await check(4)).result).toEqual({ ok: false, count: 2, brokenSeq: 3, reason: 'missing entry 3' });
  });
});
