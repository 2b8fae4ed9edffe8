import type { RestClient } from './rest-client.js';

/** Closes an issue as completed (`PATCH /repos/{owner}/{repo}/issues/{issue_number}`). */
export async function closeIssue(input: { octokit: RestClient; owner: string; repo: string; number: number }): Promise<void> {
  const { octokit, owner, repo } = input;
  await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
    owner,
    repo,
    issue_number: input.number,
    state: 'closed',
    state_reason: 'completed',
  });
}
