/** A merged or open PR GitHub associates with a pushed commit (`Commit.associatedPullRequests`). */
export interface AssociatedPullRequest {
  number: number;
  merged: boolean;
  baseRefName: string;
  /** The PR's merge, squash or last rebased commit once merged (what the merge put on the base branch). */
  mergeCommit: string | null;
}

export interface PushFacts {
  branch: string;
  forced: boolean;
  deleted: boolean;
  /** The commits the push brought that GitHub listed, oldest first, with the PRs it associates with each. */
  commits: Array<{ sha: string; headline: string; author: string; pullRequests: AssociatedPullRequest[] }>;
  /** How many commits GitHub says the push brought; more than `commits.length` when it could not list them all. */
  totalCommits: number;
  /** Why the list is partial or missing, when GitHub could not list every commit; null when it is whole. */
  incomplete: string | null;
  /** Commits a force-push took off the branch. */
  removed: number;
}

export interface PushJudgement {
  /** The merged PR into the branch that brought each listed commit (by SHA), or null. */
  pullRequestOf: Map<string, number | null>;
  /** Why the push is a direct change to a controlled branch; empty when every commit came from a merged PR. */
  reasons: string[];
}

/**
 * Whether a push to a controlled branch brought only what merged PRs into that branch brought. A commit came from a
 * PR when GitHub associates it with a PR merged into the branch whose merge commit (merge, squash, or last rebased
 * commit; also what the merge queue puts on the branch) is in the same push: the push is that merge. Anything else,
 * a force-push, a deletion, or a list GitHub could not give whole, is a direct push (fail closed).
 */
export function judgePush(facts: PushFacts): PushJudgement {
  const pushed = new Set(facts.commits.map((c) => c.sha));
  const pullRequestOf = new Map<string, number | null>();
  const direct: string[] = [];
  for (const commit of facts.commits) {
    const pr = commit.pullRequests.find(
      (candidate) =>
        candidate.merged && candidate.baseRefName === facts.branch && candidate.mergeCommit !== null && pushed.has(candidate.mergeCommit),
    );
    pullRequestOf.set(commit.sha, pr?.number ?? null);
    if (!pr) direct.push(`${commit.sha.slice(0, 7)} by ${commit.author}: ${commit.headline}`);
  }
  const reasons: string[] = [];
  if (facts.deleted) reasons.push(`the branch ${facts.branch} was deleted`);
  if (facts.forced)
    reasons.push(`force-push: ${facts.removed} commit${facts.removed === 1 ? '' : 's'} taken off ${facts.branch}, history rewritten`);
  if (direct.length > 0)
    reasons.push(
      `${direct.length} of ${facts.commits.length} commit${facts.commits.length === 1 ? '' : 's'} came from no merged pull request into ${facts.branch}`,
      ...direct.map((line) => `  ${line}`),
    );
  if (facts.incomplete !== null) reasons.push(`evidence incomplete: ${facts.incomplete}`);
  return { pullRequestOf, reasons };
}
