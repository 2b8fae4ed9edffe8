import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH } from '../../src/audit/audit-entry.js';
import { canonicalEntryJson, entryHash } from '../../src/audit/canonical-hash.js';

const entry = {
  seq: 1,
  at: '2025-03-01T10:00:00.000Z',
  deliveryId: 'd-1',
  kind: 'verdict' as const,
  repo: 'acme/payments',
  prNumber: 7,
  headSha: null,
  data: { é: '✓', b: [true, null], a: 1 },
  prevHash: GENESIS_HASH,
};

describe('entryHash', () => {
  // Golden values, computed outside the code (printf … | sha256sum): an auditor's own implementation of
  // the documented rule must reach the same hash, so the format must never drift.
  it('hashes the RFC 8785 canonical JSON of the entry followed by the previous hash', () => {
    expect(canonicalEntryJson(entry)).toBe(
      `{"at":"2025-03-01T10:00:00.000Z","data":{"a":1,"b":[true,null],"é":"✓"},"deliveryId":"d-1","headSha":null,"kind":"verdict","prNumber":7,"prevHash":"${GENESIS_HASH}","repo":"acme/payments","seq":1}`,
    );
    expect(entryHash(entry, GENESIS_HASH)).toBe('f4e19189633cc45fb344d65ff152eebe8e095290d45ef05d27eaa14572374d37');
  });

  it('does not depend on key order, and ignores fields outside the hashed set', () => {
    const reordered = {
      signature: 'y',
      hash: 'x',
      prevHash: entry.prevHash,
      data: { a: 1, b: [true, null], é: '✓' },
      headSha: entry.headSha,
      prNumber: entry.prNumber,
      repo: entry.repo,
      kind: entry.kind,
      deliveryId: entry.deliveryId,
      at: entry.at,
      seq: entry.seq,
    };

    expect(entryHash(reordered, GENESIS_HASH)).toBe(entryHash(entry, GENESIS_HASH));
  });

  it.each([
    ['seq', { seq: 2 }],
    ['at', { at: '2025-03-01T10:00:00.001Z' }],
    ['deliveryId', { deliveryId: null }],
    ['kind', { kind: 'merge' as const }],
    ['repo', { repo: 'acme/other' }],
    ['prNumber', { prNumber: 8 }],
    ['headSha', { headSha: 'b'.repeat(40) }],
    ['data', { data: { a: 2 } }],
    ['prevHash', { prevHash: 'f'.repeat(64) }],
  ])('changes when %s changes', (_field, change) => {
    expect(entryHash({ ...entry, ...change }, GENESIS_HASH)).not.toBe(entryHash(entry, GENESIS_HASH));
  });
});
