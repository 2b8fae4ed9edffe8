import type { AuditStore } from './audit-entry.js';
import type { AuditSigner } from './signing.js';
import type { WitnessHead } from './witness.js';

export type WitnessCheck = { ok: true; line: string } | { ok: false; line: string };

/**
 * The store against the newest head published outside it: the store must still hold that entry with that hash
 * (and, with a key, the witness's signature must verify). Deleting the newest entries leaves a shorter chain
 * that verifies by itself, and rewriting every entry leaves a chain that verifies with other hashes: both are
 * caught here, up to the last publication.
 */
export async function checkWitness(input: {
  store: AuditStore;
  head: WitnessHead | null;
  witnessName: string;
  signer?: AuditSigner | undefined;
}): Promise<WitnessCheck> {
  const { store, head, witnessName, signer } = input;
  if (head === null)
    return { ok: false, line: `WITNESS ${witnessName} holds no published head: nothing outside the database vouches for the chain` };
  const [entry] = await store.list({ afterSeq: head.seq - 1, limit: 1 });
  const where = `entry ${head.seq} published ${head.publishedAt} to ${witnessName}`;
  if (!entry || entry.seq !== head.seq) {
    const [last] = await store.list({ newestFirst: true, limit: 1 });
    return { ok: false, line: `WITNESS MISMATCH: the store ends at entry ${last?.seq ?? 0}, but ${where}: entries were removed` };
  }
  if (entry.hash !== head.hash)
    return {
      ok: false,
      line: `WITNESS MISMATCH: entry ${head.seq} has hash ${entry.hash}, but ${where} had ${head.hash}: the chain was rewritten`,
    };
  if (signer) {
    if (head.signature === null || !signer.verify(head.hash, head.signature)) {
      return { ok: false, line: `WITNESS MISMATCH: the signature of ${where} does not verify with the ${signer.algorithm} key` };
    }
  }
  return { ok: true, line: `witness: ${where} matches` };
}
