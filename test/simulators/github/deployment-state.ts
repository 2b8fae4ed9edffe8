import { nextId, tick, type DeploymentState, type GitHubData, type SimDeployment, type SimDeploymentGate } from './model.js';
import { findCommit, findRepo, toActor, type RepoRef } from './state.js';

/** Deployments, their statuses, and runs waiting on the app's deployment protection rule. */

/** Creates a deployment of a commit (default: the default branch head) to an environment, as a workflow job does. */
export function createDeployment(
  data: GitHubData,
  input: RepoRef & { environment: string; sha?: string; ref?: string; creator?: string },
): SimDeployment {
  const repo = findRepo(data, input);
  const sha = input.sha ?? repo.branches.get(repo.defaultBranch) ?? '';
  findCommit(repo, sha);
  const deployment: SimDeployment = {
    id: nextId(data),
    sha,
    ref: input.ref ?? repo.defaultBranch,
    task: 'deploy',
    environment: input.environment,
    creator: toActor(input.creator ?? 'release-bot'),
    createdAt: tick(data),
    statuses: [],
  };
  repo.deployments.push(deployment);
  return deployment;
}

/** Adds a status to a deployment; a success makes the environment's earlier successful deployments `inactive`, as GitHub does. */
export function addDeploymentStatus(data: GitHubData, input: RepoRef & { deploymentId: number; state: DeploymentState; creator?: string }) {
  const repo = findRepo(data, input);
  const deployment = repo.deployments.find((d) => d.id === input.deploymentId);
  if (!deployment) throw new Error(`simulator: no deployment ${input.deploymentId} in ${input.owner}/${input.repo}`);
  const status = {
    id: nextId(data),
    state: input.state,
    creator: toActor(input.creator ?? 'release-bot'),
    description: '',
    environment: deployment.environment,
    createdAt: tick(data),
  };
  if (input.state === 'success') {
    for (const other of repo.deployments) {
      if (other === deployment || other.environment !== deployment.environment) continue;
      if (other.statuses.at(-1)?.state === 'success') other.statuses.push({ ...status, id: nextId(data), state: 'inactive' });
    }
  }
  deployment.statuses.push(status);
  return status;
}

/** A workflow job waits on the environment: GitHub asks the app (`deployment_protection_rule.requested`). */
export function requestDeploymentGate(
  data: GitHubData,
  input: RepoRef & { environment: string; sha: string; ref?: string; deploymentId?: number | null },
): SimDeploymentGate {
  const repo = findRepo(data, input);
  findCommit(repo, input.sha);
  const gate: SimDeploymentGate = {
    runId: nextId(data),
    environment: input.environment,
    sha: input.sha,
    ref: input.ref ?? repo.defaultBranch,
    deploymentId: input.deploymentId ?? null,
    reviews: [],
  };
  repo.deploymentGates.push(gate);
  return gate;
}
