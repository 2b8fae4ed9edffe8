import type { RestClient } from './rest-client.js';

/** How many of the environment's latest deployments are looked at for a successful one. */
export const DEPLOYMENTS_SEARCHED = 20;

/**
 * The commit of the newest deployment to the environment that GitHub shows as successful and that `approved`
 * accepts (the app's own gate approved it: a hand-made success status never counts), or null. For a trail that
 * missed the deployment's status. Looks at the latest DEPLOYMENTS_SEARCHED deployments, one status read for each
 * approved one, skipping `excludeId` (the deployment being decided).
 */
export async function findDeployedSha(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  environment: string;
  excludeId: number | null;
  approved: (deployment: { id: number; sha: string }) => boolean;
}): Promise<string | null> {
  const { octokit, owner, repo, environment } = input;
  const { data: deployments } = await octokit.request('GET /repos/{owner}/{repo}/deployments', {
    owner,
    repo,
    environment,
    per_page: DEPLOYMENTS_SEARCHED,
  });
  for (const deployment of deployments) {
    if (Number(deployment.id) === input.excludeId || !input.approved({ id: Number(deployment.id), sha: deployment.sha })) continue;
    const { data: statuses } = await octokit.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner,
      repo,
      // The OpenAPI description allows a bigint id; GitHub's ids are well within a number.
      deployment_id: Number(deployment.id),
      per_page: 100,
    });
    // A superseded deployment later turns `inactive`, but its `success` stays in the list.
    if (statuses.some((s) => s.state === 'success')) return deployment.sha;
  }
  return null;
}
