import type { AuditEntry, AuditStore } from '../../audit/audit-entry.js';
import type { AuditSigner } from '../../audit/signing.js';
import { verifyChain } from '../../audit/verify-chain.js';
import type { ChainCheck } from './render-change-page.js';

async function* upTo(entries: AsyncIterable<AuditEntry>, seq: number): AsyncIterable<AuditEntry> {
  for await (const entry of entries) {
    if (entry.seq > seq) return;
    yield entry;
  }
}

/** Verifies the chain from entry 1 to entry `seq` (hashes, and signatures with a signer): the evidence up to there is intact. */
export async function checkChainUpTo(input: { store: AuditStore; seq: number; signer?: AuditSigner }): Promise<ChainCheck> {
  const result = await verifyChain(upTo(input.store.iterate(), input.seq), input.signer ? { signer: input.signer } : {});
  // A shorter chain than asked for means entries up to `seq` are missing.
  const complete = !result.ok || result.count >= input.seq ? result : { ok: false as const, count: result.count, brokenSeq: result.count + 1, reason: `missing entry ${result.count + 1}` };
  return { result: complete, upToSeq: input.seq, checked: input.signer ? `hashes and ${input.signer.algorithm} signatures` : 'hashes' };
}
