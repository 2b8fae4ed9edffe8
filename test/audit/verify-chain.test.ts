import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH, type AuditEntry } from '../../src/audit/audit-entry.js';
import { chainEntry } from '../../src/audit/chain-entry.js';
import { formatVerifyResult, verifyChain } from '../../src/audit/verify-chain.js';
import { newEntry } from './entries.js';

function chain(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let seq = 1; seq <= count; seq += 1) {
    const prevHash = entries.at(-1)?.hash ?? GENESIS_HASH;
    entries.push(chainEntry({ input: newEntry({ data: { seq } }), seq, prevHash }).entry);
  }
  return entries;
}

async function* from(entries: AuditEntry[]): AsyncIterable<AuditEntry> {
  yield* entries;
}

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', async () => {
    const entries = chain(3);

    expect(await verifyChain(from(entries))).toEqual({ ok: true, count: 3, headHash: entries[2]?.hash });
  });

  it.each([
    [
      'a chain that does not start at 1',
      (entries: AuditEntry[]) => entries.slice(1),
      { brokenSeq: 1, count: 0, reason: 'missing entry 1' },
    ],
    ['a gap', (entries: AuditEntry[]) => [entries[0], entries[2]], { brokenSeq: 2, count: 1, reason: 'missing entry 2' }],
    [
      'a repeated entry',
      (entries: AuditEntry[]) => [entries[0], entries[1], entries[1]],
      { brokenSeq: 2, count: 2, reason: 'entry 2 is out of order: expected entry 3' },
    ],
  ])('names the first broken sequence number for %s', async (_case, cut, expected) => {
    const entries = cut(chain(3)).filter((entry): entry is AuditEntry => entry !== undefined);

    expect(await verifyChain(from(entries))).toEqual({ ok: false, ...expected });
  });

  it.each([
    ['OK: 3 entries, head abc', { ok: true as const, count: 3, headHash: 'abc' }],
    [
      'BROKEN at entry 41: missing entry 41 (40 entries verified before it)',
      { ok: false as const, count: 40, brokenSeq: 41, reason: 'missing entry 41' },
    ],
  ])('prints "%s"', (line, result) => {
    expect(formatVerifyResult(result)).toBe(line);
  });
});
