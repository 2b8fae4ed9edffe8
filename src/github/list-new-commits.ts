import type { RestClient } from './rest-client.js';

/** Commits beyond this many are not checked one by one: the deployment is refused and should be split. */
export const MAX_NEW_COMMITS = 3000;
const PER_PAGE = 100;

export interface NewCommit {
  sha: string;
  parents: string[];
}

/** The comparison could not be read whole: the gate must not decide on part of it. */
export class IncompleteComparisonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteComparisonError';
  }
}

/**
 * The commits reachable from `head` but not from `base` (`GET /compare/{base}...{head}`), oldest first, read a
 * page of 100 at a time: unpaged, GitHub lists only the first 250. Throws rather than return a partial list
 * (a page short of `total_commits`, or more than MAX_NEW_COMMITS).
 */
export async function listNewCommits(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  base: string;
  head: string;
}): Promise<NewCommit[]> {
  const { octokit, owner, repo, base, head } = input;
  const commits: NewCommit[] = [];
  for (let page = 1; ; page += 1) {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner,
      repo,
      basehead: `${base}...${head}`,
      per_page: PER_PAGE,
      page,
    });
    if (data.total_commits > MAX_NEW_COMMITS) {
      throw new IncompleteComparisonError(
        `${data.total_commits} commits are new since ${base.slice(0, 7)}; at most ${MAX_NEW_COMMITS} are checked: deploy in smaller steps`,
      );
    }
    commits.push(...data.commits.map((c) => ({ sha: c.sha, parents: c.parents.map((p) => p.sha) })));
    if (commits.length >= data.total_commits) break;
    if (data.commits.length === 0) {
      throw new IncompleteComparisonError(
        `GitHub listed ${commits.length} of the ${data.total_commits} commits between ${base.slice(0, 7)} and ${head.slice(0, 7)}`,
      );
    }
  }
  return commits;
}
