import { resolvePolicy } from '../../config/resolve-policy.js';
import type { DeploymentsConfig, TicketConfig } from '../../policy/config-schema.js';
import type { RestClient } from '../../github/rest-client.js';
import { readPolicyFiles } from '../../github/read-policy-files.js';

export type DeploymentPolicy =
  /** The environment is not one the policy gates (or there is no policy): other rules decide. */
  | { kind: 'not-gated'; reason: string }
  | { kind: 'gated'; config: DeploymentsConfig; policy: string; /** For ticket write-back on deployment. */ ticket: TicketConfig }
  /** The policy cannot be used: which environments it gates is unknown, so the gate fails closed. */
  | { kind: 'invalid'; errors: string[]; policy: string };

/** Whether `deployments.environments` names the environment; GitHub's environment names ignore case. */
export function gatesEnvironment(config: DeploymentsConfig, environment: string): boolean {
  return config.environments.some((name) => name.toLowerCase() === environment.toLowerCase());
}

/**
 * The deployment settings of the policy in force (default branches of the repository and of the organisation's
 * `.github`, under the organisation floor), and whether they gate `environment`. Throws when GitHub cannot be read.
 */
export async function readDeploymentPolicy(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  environment: string;
}): Promise<DeploymentPolicy> {
  const { owner, repo, environment } = input;
  const files = await readPolicyFiles({ graphql: input.octokit.graphql, owner, repo });
  if (!files.found) return { kind: 'not-gated', reason: files.reason };
  const resolved = resolvePolicy(files);
  if (resolved.kind === 'none') return { kind: 'not-gated', reason: 'no .github/change-control.yml in the repository or the organisation' };
  const policy = `${resolved.source.repo}:${resolved.source.path}@${resolved.source.blobSha}`;
  if (resolved.kind === 'invalid') return { kind: 'invalid', errors: resolved.errors, policy };
  if (!gatesEnvironment(resolved.config.deployments, environment)) {
    return {
      kind: 'not-gated',
      reason: `deployments.environments (${resolved.config.deployments.environments.join(', ') || 'none'}) does not name ${environment}`,
    };
  }
  return { kind: 'gated', config: resolved.config.deployments, policy, ticket: resolved.config.ticket };
}
