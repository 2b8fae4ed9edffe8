import type { components } from '@octokit/openapi-types';
import type { GitHubData, SimDeployment, SimDeploymentStatus, SimRepository } from './model.js';
import { restLogin, simpleUser, type RestUrls } from './rest-shapes.js';

type Schemas = components['schemas'];

export function restDeployment(data: GitHubData, urls: RestUrls, repo: SimRepository, deployment: SimDeployment): Schemas['deployment'] {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  return {
    url: `${api}/deployments/${deployment.id}`,
    id: deployment.id,
    node_id: Buffer.from(`010:Deployment${deployment.id}`).toString('base64'),
    sha: deployment.sha,
    ref: deployment.ref,
    task: deployment.task,
    payload: {},
    original_environment: deployment.environment,
    environment: deployment.environment,
    description: null,
    creator: simpleUser(data, urls, restLogin(deployment.creator), deployment.creator.type),
    created_at: deployment.createdAt,
    updated_at: deployment.statuses.at(-1)?.createdAt ?? deployment.createdAt,
    statuses_url: `${api}/deployments/${deployment.id}/statuses`,
    repository_url: api,
  };
}

export function restDeploymentStatus(
  data: GitHubData,
  urls: RestUrls,
  repo: SimRepository,
  deployment: SimDeployment,
  status: SimDeploymentStatus,
): Schemas['deployment-status'] {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  return {
    url: `${api}/deployments/${deployment.id}/statuses/${status.id}`,
    id: status.id,
    node_id: Buffer.from(`010:DeploymentStatus${status.id}`).toString('base64'),
    state: status.state,
    creator: simpleUser(data, urls, restLogin(status.creator), status.creator.type),
    description: status.description,
    environment: status.environment,
    target_url: '',
    created_at: status.createdAt,
    updated_at: status.createdAt,
    deployment_url: `${api}/deployments/${deployment.id}`,
    repository_url: api,
    environment_url: '',
    log_url: '',
  };
}
