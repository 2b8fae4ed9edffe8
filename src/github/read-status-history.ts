import type { CheckFact } from '../policy/facts.js';
import type { RestClient } from './rest-client.js';

/** GitHub keeps at most 1,000 statuses per context and commit; beyond that a reporter's failure could be out of sight. */
const MAX_STATUSES = 1000;

/**
 * Every commit status on `sha` for the given contexts, oldest reporter's result included. GraphQL's
 * `statusCheckRollup` shows only the latest status per context, so a success posted by anyone with write access
 * would hide CI's failure; the history (REST, 100 per call, newest first) lets the control see who reported what.
 * A bot creator is named as REST names it (`ci-app[bot]`), so a user cannot pass for an app of the same name.
 */
export async function readStatusHistory(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  sha: string;
  contexts: Set<string>;
}): Promise<CheckFact[]> {
  const statuses = await input.octokit.paginate('GET /repos/{owner}/{repo}/commits/{ref}/statuses', {
    owner: input.owner,
    repo: input.repo,
    ref: input.sha,
    per_page: 100,
  });
  if (statuses.length >= MAX_STATUSES) {
    throw new Error(`commit ${input.sha} has ${statuses.length} statuses, GitHub's limit; who reported the required checks cannot be told`);
  }
  return statuses
    .filter((s) => input.contexts.has(s.context))
    .map((s) => ({
      name: s.context,
      kind: 'status',
      raw: s.state.toUpperCase(),
      state: s.state === 'success' ? 'success' : s.state === 'pending' ? 'pending' : 'failure',
      at: s.created_at,
      url: s.target_url ?? null,
      source: s.creator?.login ?? null,
    }));
}
