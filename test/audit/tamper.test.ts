import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GENESIS_HASH } from '../../src/audit/audit-entry.js';
import { entryHash } from '../../src/audit/canonical-hash.js';
import { verifyChain } from '../../src/audit/verify-chain.js';
import { BACKENDS, type Backend } from '../store/backends.js';
import { appendNumbered } from './entries.js';

const HASH_MISMATCH = 'hash mismatch: the entry was changed after it was written';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('tamper evidence on %s', (_name, make) => {
  const backend: Backend = make();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  async function fiveEntries() {
    const db = await backend.fresh();
    await appendNumbered(db.store, 5);
    return db;
  }

  it('verifies an empty store as the genesis hash', async () => {
    const { store } = await backend.fresh();

    expect(await verifyChain(store.iterate())).toEqual({ ok: true, count: 0, headHash: GENESIS_HASH });
  });

  const refused = [
    'UPDATE audit_entries SET data = \'{"index":99}\' WHERE seq = 3',
    'UPDATE audit_entries SET signature = NULL',
    'DELETE FROM audit_entries WHERE seq = 3',
    'DELETE FROM audit_entries',
    ...(backend.kind === 'postgres' ? ['TRUNCATE audit_entries'] : []),
  ];
  it.each(refused)('the database refuses: %s', async (sql) => {
    const db = await fiveEntries();

    // Matched on the message: better-sqlite3's native part keeps the SqliteError class of the first test
    // file a jest worker loaded, so in later files it is not an Error of this realm and toThrow misses it.
    await expect(db.raw(sql)).rejects.toMatchObject({
      message: expect.stringMatching(/audit_entries is append-only: (UPDATE|DELETE|TRUNCATE) refused/),
    });

    expect(await verifyChain(db.store.iterate())).toMatchObject({ ok: true, count: 5 });
  });

  it.each([
    ['data', 'data = \'{"index":99}\''],
    ['time', "at = '2025-03-01T09:00:00.000Z'"],
    ['repo', "repo = 'acme/other'"],
    ['kind', "kind = 'merge'"],
    ['delivery id', "delivery_id = 'forged'"],
  ])('names the entry whose %s was changed behind the triggers', async (_field, assignment) => {
    const db = await fiveEntries();
    await db.disableTriggers();

    await db.raw(`UPDATE audit_entries SET ${assignment} WHERE seq = 3`);

    expect(await verifyChain(db.store.iterate())).toEqual({ ok: false, count: 2, brokenSeq: 3, reason: HASH_MISMATCH });
  });

  it('names the next entry when the changed one got a recomputed hash', async () => {
    const db = await fiveEntries();
    await db.disableTriggers();
    const [third] = await db.store.list({ afterSeq: 2, limit: 1 });
    if (!third) throw new Error('entry 3 missing');
    const forged = entryHash({ ...third, data: { index: 99 } }, third.prevHash);

    await db.raw(`UPDATE audit_entries SET data = '{"index":99}', hash = '${forged}' WHERE seq = 3`);

    expect(await verifyChain(db.store.iterate())).toEqual({
      ok: false,
      count: 3,
      brokenSeq: 4,
      reason: 'prevHash does not match the hash of entry 3: one of the two was changed after it was written',
    });
  });

  it('names the gap when an entry was deleted', async () => {
    const db = await fiveEntries();
    await db.disableTriggers();

    await db.raw('DELETE FROM audit_entries WHERE seq = 3');

    expect(await verifyChain(db.store.iterate())).toEqual({ ok: false, count: 2, brokenSeq: 3, reason: 'missing entry 3' });
  });

  it('names the entry whose data is no longer JSON', async () => {
    const db = await fiveEntries();
    await db.disableTriggers();

    await db.raw("UPDATE audit_entries SET data = '{not json' WHERE seq = 4");

    expect(await verifyChain(db.store.iterate())).toMatchObject({ ok: false, count: 3, brokenSeq: 4 });
  });
});
