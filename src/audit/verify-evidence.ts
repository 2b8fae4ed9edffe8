import { GENESIS_HASH, type AuditEntry, type AuditStore } from './audit-entry.js';
import { entryHash } from './canonical-hash.js';
import type { AuditSigner } from './signing.js';

/** An entry from our own store that fails its check: it is never acted on. */
export class UntrustedEvidenceError extends Error {
  constructor(
    readonly entry: Pick<AuditEntry, 'seq' | 'kind'>,
    readonly reason: string,
  ) {
    super(`audit entry ${entry.seq} (${entry.kind}) fails verification: ${reason}; it is not used`);
  }
}

/**
 * Checks one stored entry before it authorises something (an emergency, a retrospective approval, a deployment
 * baseline, a recorded pusher): its hash recomputed, its link to the entry before it, and its signature when the
 * store signs. A row inserted behind the app's back (the app role holds INSERT) carries no valid signature; without
 * a signing key only a row that breaks the chain is caught. Throws UntrustedEvidenceError.
 */
export async function verifyEvidence(input: { store: AuditStore; signer: AuditSigner | undefined; entry: AuditEntry }): Promise<void> {
  const { store, signer, entry } = input;
  const fail = (reason: string): never => {
    throw new UntrustedEvidenceError(entry, reason);
  };
  verifyEntrySelf({ signer, entry });
  const [before] = entry.seq === 1 ? [] : await store.list({ afterSeq: entry.seq - 2, limit: 1 });
  const prevHash = entry.seq === 1 ? GENESIS_HASH : before?.seq === entry.seq - 1 ? before.hash : null;
  if (prevHash === null) fail(`entry ${entry.seq - 1} before it is missing`);
  if (entry.prevHash !== prevHash) fail(`prevHash does not match the hash of entry ${entry.seq - 1}`);
}

/**
 * The checks that need no other entry: the hash recomputed and, when the store signs, the signature (which covers
 * the hash, so the seq and prevHash too). For the many entries of a deployment decision; throws UntrustedEvidenceError.
 */
export function verifyEntrySelf(input: { signer: AuditSigner | undefined; entry: AuditEntry }): void {
  const { signer, entry } = input;
  const fail = (reason: string): never => {
    throw new UntrustedEvidenceError(entry, reason);
  };
  if (entryHash(entry, entry.prevHash) !== entry.hash) fail('hash mismatch: the entry was changed after it was written');
  if (signer) {
    if (entry.signature === null) fail(`entry is not signed, yet the store signs with ${signer.algorithm}`);
    else if (!signer.verify(entry.hash, entry.signature)) fail(`its ${signer.algorithm} signature does not verify`);
  }
}
