import { createRequire } from 'node:module';
import type { components } from '@octokit/openapi-types';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import type { SimDeployment, SimDeploymentGate } from '../../simulators/github/model.js';
import { restLogin } from '../../simulators/github/rest-shapes.js';
import type { GitHubSimulator } from '../../simulators/index.js';

/**
 * Deployment webhooks matching the simulator: `deployment` and `deployment_status` from GitHub's real examples
 * (`@octokit/webhooks-examples`); `deployment_protection_rule`, which has no example there, built to GitHub's
 * webhook description in `@octokit/openapi-types`.
 */

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

export interface RepoEventTarget {
  github: GitHubSimulator;
  owner: string;
  repo: string;
  installationId: number;
}

function example<N extends 'deployment' | 'deployment_status'>(name: N): WebhookDefinition<N>['examples'][number] {
  const definition = definitions.find((d) => d.name === name) as WebhookDefinition<N> | undefined;
  const found = definition?.examples.find((e) => 'installation' in e) ?? definition?.examples[0];
  if (!found) throw new Error(`no ${name} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

const installation = (id: number) => ({ id, node_id: Buffer.from(`03:Installation${id}`).toString('base64') });

function simRepo(target: RepoEventTarget) {
  const repo = target.github.data.repos.get(`${target.owner}/${target.repo}`.toLowerCase());
  if (!repo) throw new Error(`no repository ${target.owner}/${target.repo} in the simulator`);
  return repo;
}

function setRepository(
  payload: {
    repository: { id: number; name: string; full_name: string; default_branch: string; private: boolean; owner: { login: string } };
  },
  target: RepoEventTarget,
): void {
  const repo = simRepo(target);
  Object.assign(payload.repository, {
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    default_branch: repo.defaultBranch,
    private: repo.private,
  });
  payload.repository.owner.login = repo.owner;
}

function setDeployment(
  payload: { deployment: object & { creator: { login: string } | null } },
  target: RepoEventTarget,
  deployment: SimDeployment,
): void {
  const api = `${target.github.apiUrl}/repos/${target.owner}/${target.repo}`;
  Object.assign(payload.deployment, {
    id: deployment.id,
    sha: deployment.sha,
    ref: deployment.ref,
    task: deployment.task,
    environment: deployment.environment,
    original_environment: deployment.environment,
    created_at: deployment.createdAt,
    url: `${api}/deployments/${deployment.id}`,
  });
  if (payload.deployment.creator) payload.deployment.creator.login = restLogin(deployment.creator);
}

/** `deployment.created` for a deployment the simulator holds. */
export function deploymentEvent(target: RepoEventTarget, deployment: SimDeployment, sender = 'release-bot') {
  const payload = example('deployment');
  Object.assign(payload, { action: 'created', installation: installation(target.installationId) });
  setRepository(payload, target);
  setDeployment(payload, target, deployment);
  payload.sender.login = sender;
  return payload;
}

/** `deployment_status.created` for the deployment's latest status in the simulator. */
export function deploymentStatusEvent(target: RepoEventTarget, deployment: SimDeployment) {
  const status = deployment.statuses.at(-1);
  if (!status) throw new Error(`deployment ${deployment.id} has no status in the simulator`);
  const payload = example('deployment_status');
  Object.assign(payload, { action: 'created', installation: installation(target.installationId) });
  setRepository(payload, target);
  setDeployment(payload, target, deployment);
  Object.assign(payload.deployment_status, {
    id: status.id,
    state: status.state,
    environment: status.environment,
    created_at: status.createdAt,
    updated_at: status.createdAt,
  });
  if (payload.deployment_status.creator) payload.deployment_status.creator.login = restLogin(status.creator);
  return payload;
}

/** `deployment_protection_rule.requested` for a run the simulator has waiting on the app (requestDeploymentGate). */
export function deploymentProtectionRuleEvent(
  target: RepoEventTarget,
  gate: SimDeploymentGate,
): components['schemas']['webhook-deployment-protection-rule-requested'] {
  const repo = simRepo(target);
  const api = `${target.github.apiUrl}/repos/${target.owner}/${target.repo}`;
  const deployment = repo.deployments.find((d) => d.id === gate.deploymentId);
  return {
    action: 'requested',
    environment: gate.environment,
    event: 'push',
    sha: gate.sha,
    ref: gate.ref,
    deployment_callback_url: `${api}/actions/runs/${gate.runId}/deployment_protection_rule`,
    // Only the fields the app reads, with the deployment's own values; the rest of GitHub's object is not needed.
    deployment: deployment
      ? ({
          id: deployment.id,
          sha: deployment.sha,
          ref: deployment.ref,
          environment: deployment.environment,
        } as components['schemas']['nullable-deployment'])
      : null,
    pull_requests: [],
    repository: {
      id: repo.id,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: { login: repo.owner },
    } as components['schemas']['repository-webhooks'],
    installation: installation(target.installationId),
  };
}
