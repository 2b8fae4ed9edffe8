import type { Context } from 'probot';
import type { DeploymentRecord } from '../../audit/deployment-records.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { DeploymentPayload } from './deployment-payloads.js';
import { parsePayload } from '../payloads.js';
import { readDeploymentPolicy } from './read-deployment-policy.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';

/**
 * A deployment was created: to an environment the policy gates, record who triggered it, which commit and
 * which environment. Also recorded when the policy cannot be used (which environments it gates is unknown:
 * an extra record is harmless, a missing one a gap in the evidence).
 */
export function onDeploymentCreated(deps: AppDeps) {
  return async (context: Context<'deployment.created'>): Promise<void> => {
    const p = parsePayload(DeploymentPayload, 'deployment', context.payload);
    const owner = p.repository.owner.login;
    const repo = p.repository.name;
    const { deployment } = p;
    const policy = await readDeploymentPolicy({ octokit: context.octokit, owner, repo, environment: deployment.environment });
    if (policy.kind === 'not-gated') return;
    const record: DeploymentRecord = {
      deploymentId: deployment.id,
      environment: deployment.environment,
      sha: deployment.sha,
      ref: deployment.ref,
      task: deployment.task,
      creator: deployment.creator?.login ?? null,
      sender: p.sender?.login ?? null,
      createdAt: deployment.created_at,
    };
    await recordEvidence(deps, {
      kind: 'deployment',
      deliveryId: context.id,
      repo: `${owner}/${repo}`,
      prNumber: null,
      headSha: deployment.sha,
      data: record,
    });
  };
}
