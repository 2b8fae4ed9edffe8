import { blobOid, type SimRepository } from './model.js';

/** Git's view of the simulated history: ancestry, merge bases and tree diffs, as GitHub's compare and files endpoints use them. */

/** All commits reachable from `oid`, itself included, nearest first. */
export function ancestors(repo: SimRepository, oid: string): string[] {
  const seen = new Set<string>();
  const queue = [oid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(repo.commits.get(next)?.parents ?? []));
  }
  return [...seen];
}

/** The best common ancestor of two commits (`git merge-base`), or null when the histories are unrelated. */
export function mergeBase(repo: SimRepository, a: string, b: string): string | null {
  const ofA = new Set(ancestors(repo, a));
  return ancestors(repo, b).find((oid) => ofA.has(oid)) ?? null;
}

/**
 * The commit a PR's changes are counted from: the merge base of its head with the base branch, as it was before the
 * merge for a merged PR (the merge commit's first parent). GitHub keeps a merged PR's files; the base branch now
 * holding the head would otherwise leave none.
 */
export function pullRequestBase(
  repo: SimRepository,
  pr: { baseRef: string; merge: { commitOid: string } | null },
  head: string,
): string | null {
  const mergeCommit = pr.merge ? repo.commits.get(pr.merge.commitOid) : undefined;
  const baseTip = mergeCommit?.parents[0] ?? repo.branches.get(pr.baseRef) ?? '';
  return mergeBase(repo, baseTip, head);
}

/** A branch name or a full SHA, as `compare/{base}...{head}` accepts them. */
export function resolveRef(repo: SimRepository, ref: string): string | null {
  if (repo.commits.has(ref)) return ref;
  return repo.branches.get(ref.replace(/^refs\/heads\//, '')) ?? null;
}

export type DiffStatus = 'added' | 'removed' | 'modified' | 'renamed';

export interface FileDiff {
  filename: string;
  previousFilename: string | null;
  status: DiffStatus;
  sha: string | null;
  additions: number;
  deletions: number;
  patch: string;
}

/** A unified diff of two texts (one hunk, from a longest-common-subsequence line diff; enough for small test files). */
function unifiedPatch(before: string, after: string): { patch: string; additions: number; deletions: number } {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const lines: string[] = [];
  let [i, j, additions, deletions] = [0, 0, 0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(` ${a[i]}`);
      [i, j] = [i + 1, j + 1];
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      lines.push(`+${b[j]}`);
      [j, additions] = [j + 1, additions + 1];
    } else {
      lines.push(`-${a[i]}`);
      [i, deletions] = [i + 1, deletions + 1];
    }
  }
  const range = (start: number, count: number) => `${count === 0 ? 0 : start},${count}`;
  return { patch: [`@@ -${range(1, a.length)} +${range(1, b.length)} @@`, ...lines].join('\n'), additions, deletions };
}

/** What changes from one tree to another, with exact-content renames detected as git does by default. */
export function diffTrees(before: Map<string, string>, after: Map<string, string>): FileDiff[] {
  const removed = [...before.keys()].filter((path) => !after.has(path));
  const diffs: FileDiff[] = [];
  for (const [path, text] of after) {
    const old = before.get(path);
    if (old === text) continue;
    const renamedFrom = old === undefined ? removed.find((r) => before.get(r) === text) : undefined;
    if (renamedFrom !== undefined) {
      removed.splice(removed.indexOf(renamedFrom), 1);
      diffs.push({
        filename: path,
        previousFilename: renamedFrom,
        status: 'renamed',
        sha: blobOid(text),
        additions: 0,
        deletions: 0,
        patch: '',
      });
      continue;
    }
    const { patch, additions, deletions } = unifiedPatch(old ?? '', text);
    diffs.push({
      filename: path,
      previousFilename: null,
      status: old === undefined ? 'added' : 'modified',
      sha: blobOid(text),
      additions,
      deletions,
      patch,
    });
  }
  for (const path of removed) {
    const { patch, additions, deletions } = unifiedPatch(before.get(path)!, '');
    diffs.push({ filename: path, previousFilename: null, status: 'removed', sha: null, additions, deletions, patch });
  }
  return diffs.sort((x, y) => x.filename.localeCompare(y.filename));
}
