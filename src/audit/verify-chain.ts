import { GENESIS_HASH, type AuditEntry } from './audit-entry.js';
import { entryHash } from './canonical-hash.js';
import { CorruptEntryError } from './corrupt-entry-error.js';
import type { AuditSigner } from './signing.js';

export type VerifyResult =
  | { ok: true; count: number; headHash: string }
  /** `count`: entries verified before the broken one. */
  | { ok: false; count: number; brokenSeq: number; reason: string };

/**
 * Walks the chain from entry 1: sequence numbers without gaps, each prevHash equal to the hash before it,
 * each hash recomputed from the entry, and each signature when a signer (or a public-key verifier) is
 * given. Stops at the first broken entry.
 *
 * Removing entries from the end leaves a valid shorter chain: compare the head with one recorded elsewhere.
 */
export async function verifyChain(
  entries: AsyncIterable<AuditEntry>,
  options: {
    signer?: AuditSigner;
    /** Continue a chain already verified up to entry `count` whose hash is `prevHash` (`entries` then start at `count + 1`). */
    from?: { count: number; prevHash: string };
  } = {},
): Promise<VerifyResult> {
  let count = options.from?.count ?? 0;
  let prevHash = options.from?.prevHash ?? GENESIS_HASH;
  const broken = (brokenSeq: number, reason: string): VerifyResult => ({ ok: false, count, brokenSeq, reason });
  try {
    for await (const entry of entries) {
      const expected = count + 1;
      if (entry.seq > expected) return broken(expected, `missing entry ${expected}`);
      if (entry.seq < expected) return broken(entry.seq, `entry ${entry.seq} is out of order: expected entry ${expected}`);
      if (entry.prevHash !== prevHash) {
        return broken(
          entry.seq,
          `prevHash does not match the hash of entry ${entry.seq - 1}: one of the two was changed after it was written`,
        );
      }
      if (entryHash(entry, entry.prevHash) !== entry.hash)
        return broken(entry.seq, 'hash mismatch: the entry was changed after it was written');
      if (options.signer) {
        if (entry.signature === null) return broken(entry.seq, 'entry is not signed');
        if (!options.signer.verify(entry.hash, entry.signature)) return broken(entry.seq, 'signature does not verify');
      }
      count = expected;
      prevHash = entry.hash;
    }
  } catch (error) {
    if (error instanceof CorruptEntryError) return broken(error.seq, error.message);
    throw error;
  }
  return { ok: true, count, headHash: prevHash };
}

/** The line `change-control audit verify` prints. */
export function formatVerifyResult(result: VerifyResult): string {
  if (result.ok) return `OK: ${result.count} entries, head ${result.headHash}`;
  return `BROKEN at entry ${result.brokenSeq}: ${result.reason} (${result.count} entries verified before it)`;
}
