import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { chainEntry } from '../../src/audit/chain-entry.js';
import { parseSigningKey } from '../../src/audit/signing.js';
import { UntrustedEvidenceError, verifyEntrySelf, verifyEvidence } from '../../src/audit/verify-evidence.js';
import { sqliteBackend } from '../store/backends.js';
import { appendNumbered, newEntry } from './entries.js';

const signer = parseSigningKey('k'.repeat(40));
const otherKey = parseSigningKey('o'.repeat(40));
const backend = sqliteBackend();
beforeAll(() => backend.setup());
afterAll(() => backend.teardown());

/** A row as an attacker with the app role's INSERT right writes it: a valid hash chained to the head, no signature. */
async function forgeAfterHead(db: Awaited<ReturnType<typeof backend.fresh>>, signature: string | null): Promise<AuditEntry> {
  const [head] = await db.store.list({ newestFirst: true, limit: 1 });
  const { entry } = chainEntry({
    input: newEntry({ kind: 'emergency', data: { forged: true } }),
    seq: (head?.seq ?? 0) + 1,
    prevHash: head!.hash,
  });
  const forged = { ...entry, signature };
  await db.raw(
    `INSERT INTO audit_entries (seq, at, at_ms, delivery_id, kind, repo, pr_number, head_sha, data, prev_hash, hash, signature) VALUES (${forged.seq}, '${forged.at}', ${Date.parse(forged.at)}, NULL, 'emergency', '${forged.repo}', ${forged.prNumber}, '${forged.headSha}', '${JSON.stringify(forged.data)}', '${forged.prevHash}', '${forged.hash}', ${signature === null ? 'NULL' : `'${signature}'`})`,
  );
  const [stored] = await db.store.list({ afterSeq: forged.seq - 1, limit: 1 });
  return stored!;
}

describe('verifyEvidence', () => {
  it('accepts every entry the store wrote and signed', async () => {
    const db = await backend.fresh({ signer });
    await appendNumbered(db.store, 3);

    for (const entry of await db.store.list({})) await expect(verifyEvidence({ store: db.store, signer, entry })).resolves.toBeUndefined();
  });

  it.each([
    { name: 'an unsigned row inserted directly', signature: null, reason: 'entry is not signed, yet the store signs with hmac-sha256' },
    {
      name: 'a row signed with another key',
      signature: otherKey.sign('0'.repeat(64)),
      reason: 'its hmac-sha256 signature does not verify',
    },
  ])('refuses $name, naming the entry and why', async ({ signature, reason }) => {
    const db = await backend.fresh({ signer });
    await appendNumbered(db.store, 2);
    const forged = await forgeAfterHead(db, signature);

    const error = await verifyEvidence({ store: db.store, signer, entry: forged }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UntrustedEvidenceError);
    expect((error as Error).message).toBe(`audit entry 3 (emergency) fails verification: ${reason}; it is not used`);
  });

  it('without a key, accepts a forged row that keeps the chain (what only a signature can tell)', async () => {
    const db = await backend.fresh();
    await appendNumbered(db.store, 2);
    const forged = await forgeAfterHead(db, null);

    await expect(verifyEvidence({ store: db.store, signer: undefined, entry: forged })).resolves.toBeUndefined();
  });

  it('refuses an entry whose link to the one before is broken, or whose hash does not match', async () => {
    const db = await backend.fresh();
    await appendNumbered(db.store, 2);
    const [, second] = await db.store.list({});
    const relinked = chainEntry({ input: newEntry(), seq: 2, prevHash: 'f'.repeat(64) }).entry;

    await expect(verifyEvidence({ store: db.store, signer: undefined, entry: relinked })).rejects.toThrow(
      'prevHash does not match the hash of entry 1',
    );
    expect(() => verifyEntrySelf({ signer: undefined, entry: { ...second!, data: { index: 9 } } })).toThrow('hash mismatch');
  });
});
