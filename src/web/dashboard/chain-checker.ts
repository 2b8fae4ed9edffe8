import type { AuditEntry, AuditStore } from '../../audit/audit-entry.js';
import type { AuditSigner } from '../../audit/signing.js';
import { verifyChain, type VerifyResult } from '../../audit/verify-chain.js';

export interface ChainCheck {
  result: VerifyResult;
  /** The entry the page needs verified: the change's newest entry. */
  upToSeq: number;
  /** `hashes`, or the signature algorithm also checked. */
  checked: string;
  /** When the whole chain was last walked from entry 1 (ISO-8601). */
  fullCheckAt: string;
}

/** Answers whether the chain verifies from entry 1 up to entry `seq`. */
export type CheckChain = (seq: number) => Promise<ChainCheck>;

/** The whole chain is walked from entry 1 again when the last full walk is older than this. */
export const FULL_CHECK_MS = 10 * 60 * 1000;
const BATCH = 5_000;

async function* entriesAfter(store: AuditStore, seq: number): AsyncIterable<AuditEntry> {
  let last = seq;
  for (;;) {
    const batch = await store.list({ afterSeq: last, limit: BATCH });
    if (batch.length === 0) return;
    yield* batch;
    last = batch.at(-1)?.seq ?? last;
  }
}

/**
 * The chain check of the change pages. Walking 200,000 entries takes seconds (bench/dashboard.ts), too slow for
 * each page view: the head of the last good walk is kept, new entries are verified on from it, and the whole chain
 * is walked again from entry 1 when that walk is older than FULL_CHECK_MS. A change made behind the app's back
 * to an entry already verified shows within that time (and at once in `change-control audit verify`). A broken
 * chain is never remembered: every page asks again until it is whole.
 */
export function chainChecker(input: { store: AuditStore; signer?: AuditSigner; now: () => Date }): CheckChain {
  const { store, signer } = input;
  const checked = signer ? `hashes and ${signer.algorithm} signatures` : 'hashes';
  let verified: { count: number; headHash: string; fullAt: number } | null = null;
  return async (seq) => {
    const now = input.now().getTime();
    const options = signer ? { signer } : {};
    let result: VerifyResult;
    if (verified === null || now - verified.fullAt > FULL_CHECK_MS) {
      result = await verifyChain(store.iterate(BATCH), options);
      verified = result.ok ? { count: result.count, headHash: result.headHash, fullAt: now } : null;
    } else if (seq > verified.count) {
      result = await verifyChain(entriesAfter(store, verified.count), {
        ...options,
        from: { count: verified.count, prevHash: verified.headHash },
      });
      verified = result.ok ? { ...verified, count: result.count, headHash: result.headHash } : null;
    } else {
      result = { ok: true, count: verified.count, headHash: verified.headHash };
    }
    // Fewer entries than the change's own: entries up to it are missing.
    if (result.ok && result.count < seq)
      result = { ok: false, count: result.count, brokenSeq: result.count + 1, reason: `missing entry ${result.count + 1}` };
    return { result, upToSeq: seq, checked, fullCheckAt: new Date(verified?.fullAt ?? now).toISOString() };
  };
}
