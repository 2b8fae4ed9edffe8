import { createHash } from 'node:crypto';
import { patchFact, type PatchFact } from '../policy/patch-id.js';
import type { CompareCommits } from './compare-commits.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The patch of `head` against its merge base with `base` (`base...head`, one REST read), as a patch id: the
 * SHA-256 of its canonical text (`policy/patch-id.ts`). Used by `approval.keep_on_rebase`. GitHub answering
 * 404 (a commit it no longer has, histories without a common ancestor) gives a patch that cannot be compared, so
 * the approval on it is stale; any other failure is thrown (the evaluation is retried).
 */
export async function readPatchFact(input: { compare: CompareCommits; base: string; head: string }): Promise<PatchFact> {
  const { compare, base, head } = input;
  try {
    const compared = await compare(base, head);
    return patchFact({ head, mergeBase: compared.mergeBase, files: compared.files, hash: sha256 });
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
    return { head, mergeBase: null, patchId: null, reason: `GitHub cannot compare it with ${base} (HTTP 404)` };
  }
}
