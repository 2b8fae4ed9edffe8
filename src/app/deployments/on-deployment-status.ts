import type { Context } from 'probot';
import { DeploymentStatusRecord } from '../../audit/deployment-records.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { assessDeployment } from './assess-deployment.js';
import { gateApprovalOf } from './gate-approval-of.js';
import { recordDeploymentBypass } from './record-deployment-bypass.js';
import { DeploymentStatusPayload } from './deployment-payloads.js';
import { oneAtATime } from '../one-at-a-time.js';
import { parsePayload } from '../payloads.js';
import { readDeploymentPolicy } from './read-deployment-policy.js';
import { tellDeployedTickets } from './tell-deployed-tickets.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';

type Changes = Pick<DeploymentStatusRecord, 'previous' | 'changes' | 'uncovered' | 'changesError'>;

/**
 * A deployment to a gated environment reached a final state: record it. A success also records the changes it
 * brought into the environment (each change's "deployed" mark), worked out as the gate does, against the last
 * successful deployment before it; when they cannot be worked out, the deployment is still recorded, with why.
 * Deployments to one environment are recorded one at a time, so each is compared with the one before.
 */
export function onDeploymentStatus(deps: AppDeps) {
  return async (context: Context<'deployment_status.created'>): Promise<void> => {
    const p = parsePayload(DeploymentStatusPayload, 'deployment_status', context.payload);
    // Only the states that end a deployment (success, failure, error); queued, in_progress, waiting, pending and inactive are not recorded.
    const final = DeploymentStatusRecord.shape.state.safeParse(p.deployment_status.state);
    if (!final.success) return;
    const state = final.data;
    const owner = p.repository.owner.login;
    const repo = p.repository.name;
    const { deployment } = p;
    const environment = p.deployment_status.environment ?? deployment.environment;
    const policy = await readDeploymentPolicy({ octokit: context.octokit, owner, repo, environment });
    if (policy.kind === 'not-gated') return;

    await oneAtATime(deps, `deployments:${owner}/${repo}:${environment}`.toLowerCase(), async () => {
      let changes: Changes = { previous: null, changes: null, uncovered: null, changesError: null };
      // Only a deployment the app approved moves the environment; any other success is a deployment-bypass.
      const approval =
        state === 'success'
          ? await gateApprovalOf({ deps, repo: `${owner}/${repo}`, environment, deploymentId: deployment.id, sha: deployment.sha })
          : null;
      if (state === 'success') {
        try {
          const assessment = await assessDeployment({
            octokit: context.octokit,
            deps,
            owner,
            repo,
            environment,
            sha: deployment.sha,
            excludeDeploymentId: deployment.id,
            baseline: policy.kind === 'gated' ? policy.config.baseline : undefined,
          });
          const { previous, decision } = assessment;
          changes = { previous, changes: decision.changes, uncovered: decision.uncovered, changesError: null };
        } catch (error) {
          context.log.error(
            { err: error, repo: `${owner}/${repo}`, environment, sha: deployment.sha },
            'deployed changes could not be worked out',
          );
          changes = { ...changes, changesError: error instanceof Error ? error.message : String(error) };
        }
      }
      const record: DeploymentStatusRecord = {
        deploymentId: deployment.id,
        environment,
        sha: deployment.sha,
        ref: deployment.ref,
        state,
        at: p.deployment_status.created_at,
        statusCreator: p.deployment_status.creator?.login ?? null,
        deploymentCreator: deployment.creator?.login ?? null,
        description: p.deployment_status.description ?? null,
        ...changes,
        ...(approval ? { gateSeq: approval.gateSeq } : {}),
      };
      const recorded = await recordEvidence(deps, {
        kind: 'deployment-status',
        deliveryId: context.id,
        repo: `${owner}/${repo}`,
        prNumber: null,
        headSha: deployment.sha,
        data: record,
      });
      if (recorded !== null && approval?.reason) {
        const bypass = {
          environment,
          sha: deployment.sha,
          deploymentId: deployment.id,
          statusCreator: record.statusCreator,
          deploymentCreator: record.deploymentCreator,
        };
        await recordDeploymentBypass({
          deps,
          context,
          repo: `${owner}/${repo}`,
          bypass: { ...bypass, reason: approval.reason, statusSeq: recorded.seq },
        });
      }
      // A redelivery finds the deployment recorded: its tickets were told then.
      if (recorded !== null && policy.kind === 'gated')
        await tellDeployedTickets({
          deps,
          log: context.log,
          ticket: policy.ticket,
          record,
          repo: `${owner}/${repo}`,
          deliveryId: context.id,
        });
    });
  };
}
