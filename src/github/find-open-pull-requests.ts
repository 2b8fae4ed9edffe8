import type { RestClient } from './rest-client.js';

/**
 * Open pull requests whose head is `sha`. Used for status events, and for check events whose payload
 * lists no PRs (GitHub leaves `pull_requests` empty for PRs from forks). One REST call.
 */
export async function findOpenPullRequests(input: { octokit: RestClient; owner: string; repo: string; sha: string }): Promise<number[]> {
  const { data } = await input.octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
    owner: input.owner,
    repo: input.repo,
    commit_sha: input.sha,
    per_page: 100,
  });
  return data.filter((pr) => pr.state === 'open' && pr.head.sha === input.sha).map((pr) => pr.number);
}
