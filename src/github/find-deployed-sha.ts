import type { RestClient } from './rest-client.js';

/** How many of the environment's latest deployments are looked at for a successful one. */
export const DEPLOYMENTS_SEARCHED = 20;

/**
 * The commit of the newest deployment to the environment that GitHub shows as successful, or null: for an
 * environment whose deployments predate the app (the audit trail has none yet). Looks at the latest
 * DEPLOYMENTS_SEARCHED deployments, one status read each, skipping `excludeId` (the deployment being decided).
 */
export async function findDeployedSha(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  environment: string;
  excludeId: number | null;
}): Promise<string | null> {
  const { octokit, owner, repo, environment } = input;
  const { data: deployments } = await octokit.request('GET /repos/{owner}/{repo}/deployments', {
    owner,
    repo,
    environment,
    per_page: DEPLOYMENTS_SEARCHED,
  });
  for (const deployment of deployments) {
    if (Number(deployment.id) === input.excludeId) continue;
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
