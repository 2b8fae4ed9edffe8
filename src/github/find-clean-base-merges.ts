import type { CommitFact } from '../policy/facts.js';
import { canonicalPatch, type CanonicalPatch } from '../policy/patch-id.js';
import type { CompareCommits } from './compare-commits.js';

const sameChanges = (a: CanonicalPatch, b: CanonicalPatch): boolean => a.kind === 'complete' && b.kind === 'complete' && a.text === b.text;

/**
 * Merge commits of the PR that only bring in the base branch (`approval.ignore_base_merges`). A commit
 * qualifies by its parents, never its message: two parents, the second already on the base branch, and
 * the merge changes exactly what the base branch changed since the fork point (no edit slipped into the
 * merge or its conflict resolution). Three REST reads per merge commit; a failed read fails the evaluation.
 */
export async function findCleanBaseMerges(input: { compare: CompareCommits; baseRef: string; commits: CommitFact[] }): Promise<string[]> {
  const { compare } = input;
  const clean: string[] = [];
  for (const commit of input.commits) {
    const [first, second] = commit.parents;
    if (commit.parents.length !== 2 || !first || !second) continue;
    const onBase = await compare(input.baseRef, second);
    if (onBase.status !== 'behind' && onBase.status !== 'identical') continue;
    const [mergeChanges, baseChanges] = await Promise.all([compare(first, commit.sha), compare(first, second)]);
    // Both start at the first parent; a file without a patch or a list cut at 300 files cannot prove the merge clean.
    const merged = canonicalPatch({ files: mergeChanges.files, sameBase: true });
    if (sameChanges(merged, canonicalPatch({ files: baseChanges.files, sameBase: true }))) clean.push(commit.sha);
  }
  return clean;
}
