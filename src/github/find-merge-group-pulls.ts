import type { RestClient } from './rest-client.js';

/** GitHub lists at most this many commits of an unpaged comparison. */
const MAX_COMPARED_COMMITS = 250;

/** `refs/heads/gh-readonly-queue/<base branch>/pr-<number>-<sha>`: the merge queue's name for a group (its last PR). */
const QUEUE_REF = /^refs\/heads\/gh-readonly-queue\/(.+)\/pr-(\d+)-[0-9a-f]{40}$/;

export interface MergeGroupRef {
  owner: string;
  repo: string;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
}

export interface MergeGroupPulls {
  /** The group's commits between its base and its head, oldest first. */
  commits: string[];
  /** The PRs the group holds, in queue order: open PRs into the group's base branch whose head is one of its commits. */
  numbers: number[];
  /** Why the group's PRs could not be established; empty when they were. */
  problems: string[];
}

export function branchOf(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

/**
 * Which PRs a merge group holds, read back from GitHub and never taken from the ref's name alone: the group's
 * commits (one comparison of its base and head) and the open PRs into its base branch (one call per 100); a PR
 * is in the group when its current head is one of the group's commits (the merge queue merges each PR's head).
 * The PR the ref names must be among them. Two REST calls for up to 100 open PRs into the branch.
 */
export async function findMergeGroupPulls(input: { octokit: RestClient; group: MergeGroupRef }): Promise<MergeGroupPulls> {
  const { octokit, group } = input;
  const { owner, repo } = group;
  const problems: string[] = [];
  const named = QUEUE_REF.exec(group.headRef);
  const base = branchOf(group.baseRef);
  if (named === null) problems.push(`${group.headRef} is not a merge queue ref`);
  else if (named[1] !== base) problems.push(`${group.headRef} is not a merge group of ${base}`);

  const { data: comparison } = await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
    owner,
    repo,
    basehead: `${group.baseSha}...${group.headSha}`,
  });
  const commits = comparison.commits.map((c) => c.sha);
  if (comparison.status !== 'ahead') problems.push(`the group's head is ${comparison.status} of its base, not ahead`);
  if (comparison.total_commits > commits.length || commits.length >= MAX_COMPARED_COMMITS)
    problems.push(`the group holds ${comparison.total_commits} commits, more than the ${MAX_COMPARED_COMMITS} GitHub lists`);

  const open = await octokit.paginate('GET /repos/{owner}/{repo}/pulls', { owner, repo, state: 'open', base, per_page: 100 });
  const position = new Map(commits.map((sha, index) => [sha, index]));
  const members = open
    .filter((pr) => position.has(pr.head.sha) && pr.base.ref === base)
    .sort((a, b) => (position.get(a.head.sha) ?? 0) - (position.get(b.head.sha) ?? 0))
    .map((pr) => pr.number);
  const namedNumber = named === null ? null : Number(named[2]);
  if (namedNumber !== null && !members.includes(namedNumber))
    problems.push(`#${namedNumber}, named by the group's ref, is not an open pull request whose head is in the group`);
  return { commits, numbers: members, problems };
}
