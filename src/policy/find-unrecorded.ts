import type { AssociatedPullRequest } from './judge-push.js';

/** A PR GitHub lists as merged into a controlled branch during the swept window. */
export interface FoundMerge {
  number: number;
  baseRef: string;
}

/** A commit GitHub lists on a controlled branch during the swept window, with the PRs it associates with it. */
export interface BranchCommit {
  sha: string;
  /** Its first parent; null for a root commit. */
  parent: string | null;
  pullRequests: AssociatedPullRequest[];
}

/** Commits on a branch that no merge and no recorded push accounts for: checked as one push from `before` to `after`. */
export interface UnrecordedPush {
  branch: string;
  /** The first parent of the oldest such commit (null: it is a root commit, there is nothing before it). */
  before: string | null;
  /** The newest such commit. */
  after: string;
  /** Every such commit, newest first. */
  shas: string[];
}

export interface Unrecorded<M extends FoundMerge> {
  merges: M[];
  pushes: UnrecordedPush[];
}

/**
 * What a reconciliation sweep found on GitHub that the store lacks. A merge is lacking when the store has no merge
 * entry for the PR (`recordedMerges`: PR numbers with one, a refuted claim left out by the caller). A commit on a
 * branch is accounted for when the store names it (`recordedShas`: merge commits of recorded merges, commits of
 * recorded direct pushes) or when GitHub associates it with a PR merged into that branch whose merge commit is on the
 * branch (the merge itself is then the sweep's other half). The rest of a branch's commits are one push to check, from
 * the oldest one's parent to the newest (commits in between that PRs brought are told apart by the push check).
 * `commits` are newest first, as GitHub's history lists them.
 */
export function findUnrecorded<M extends FoundMerge>(input: {
  merges: M[];
  commits: Map<string, BranchCommit[]>;
  recordedMerges: ReadonlySet<number>;
  recordedShas: ReadonlySet<string>;
}): Unrecorded<M> {
  const merges = input.merges.filter((merge) => !input.recordedMerges.has(merge.number));
  const pushes: UnrecordedPush[] = [];
  for (const [branch, commits] of input.commits) {
    const onBranch = new Set(commits.map((c) => c.sha));
    const cameFromPullRequest = (commit: BranchCommit): boolean =>
      commit.pullRequests.some(
        (pr) =>
          pr.merged &&
          pr.baseRefName === branch &&
          pr.mergeCommit !== null &&
          (onBranch.has(pr.mergeCommit) || input.recordedShas.has(pr.mergeCommit)),
      );
    const lacking = commits.filter((commit) => !input.recordedShas.has(commit.sha) && !cameFromPullRequest(commit));
    const newest = lacking[0];
    const oldest = lacking.at(-1);
    if (newest === undefined || oldest === undefined) continue;
    pushes.push({ branch, before: oldest.parent, after: newest.sha, shas: lacking.map((c) => c.sha) });
  }
  return { merges, pushes };
}
