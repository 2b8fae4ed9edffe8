import type { Logger } from 'probot';
import type { DeploymentStatusRecord } from '../../audit/deployment-records.js';
import type { RestClient } from '../../github/rest-client.js';
import type { WorkResult } from '../../queue/worker.js';
import type { ReportedDeploymentStatus } from '../../store/work-request.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';
import { assessDeployment } from './assess-deployment.js';
import { gateApprovalOf } from './gate-approval-of.js';
import { readDeploymentPolicy } from './read-deployment-policy.js';
import { recordDeploymentBypass } from './record-deployment-bypass.js';
import { tellDeployedTickets } from './tell-deployed-tickets.js';
import { closeDeployedTickets } from './close-deployed-tickets.js';

type Changes = Pick<DeploymentStatusRecord, 'previous' | 'changes' | 'uncovered' | 'changesError'>;

/**
 * A deployment to a gated environment reached a final state: record it, as the worker (on-deployment-status.ts
 * queued it). A success also records the changes it brought into the environment (each change's "deployed" mark),
 * worked out as the gate does, against the last successful deployment before it; when they cannot be worked out,
 * the deployment is still recorded, with why. The queue runs one status of an environment at a time, in order,
 * across replicas, so each is compared with the one before. A policy that cannot be read throws: retried.
 */
export async function recordDeploymentStatus(input: {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  owner: string;
  repo: string;
  environment: string;
  status: ReportedDeploymentStatus;
}): Promise<WorkResult> {
  const { deps, octokit, log, owner, repo, environment, status } = input;
  const policy = await readDeploymentPolicy({ octokit, owner, repo, environment });
  if (policy.kind === 'not-gated') return { kind: 'done', outcome: 'skipped' };
  const { deliveryId, statusId: _statusId, ...reported } = status;
  let changes: Changes = { previous: null, changes: null, uncovered: null, changesError: null };
  // Only a deployment the app approved moves the environment; any other success is a deployment-bypass.
  const approval =
    status.state === 'success'
      ? await gateApprovalOf({ deps, repo: `${owner}/${repo}`, environment, deploymentId: status.deploymentId, sha: status.sha })
      : null;
  if (status.state === 'success') {
    try {
      const assessment = await assessDeployment({
        octokit,
        deps,
        owner,
        repo,
        environment,
        sha: status.sha,
        excludeDeploymentId: status.deploymentId,
        baseline: policy.kind === 'gated' ? policy.config.baseline : undefined,
      });
      const { previous, decision } = assessment;
      changes = { previous, changes: decision.changes, uncovered: decision.uncovered, changesError: null };
    } catch (error) {
      log.error({ err: error, repo: `${owner}/${repo}`, environment, sha: status.sha }, 'deployed changes could not be worked out');
      changes = { ...changes, changesError: error instanceof Error ? error.message : String(error) };
    }
  }
  const record: DeploymentStatusRecord = {
    ...reported,
    environment,
    ...changes,
    ...(approval ? { gateSeq: approval.gateSeq } : {}),
  };
  const recorded = await recordEvidence(deps, {
    kind: 'deployment-status',
    deliveryId,
    repo: `${owner}/${repo}`,
    prNumber: null,
    headSha: status.sha,
    data: record,
  });
  if (recorded !== null && approval?.reason) {
    const bypass = {
      environment,
      sha: status.sha,
      deploymentId: status.deploymentId,
      statusCreator: record.statusCreator,
      deploymentCreator: record.deploymentCreator,
    };
    await recordDeploymentBypass({
      deps,
      octokit,
      log,
      deliveryId,
      repo: `${owner}/${repo}`,
      bypass: { ...bypass, reason: approval.reason, statusSeq: recorded.seq },
    });
  }
  // A retry finds the deployment recorded: its tickets were told then.
  if (recorded !== null && policy.kind === 'gated')
    await tellDeployedTickets({ deps, log, ticket: policy.ticket, record, repo: `${owner}/${repo}`, deliveryId });
  if (policy.kind === 'gated') {
    // Also on a retry: only tickets still open are closed again.
    const failures = await closeDeployedTickets({ deps, log, ticket: policy.ticket, record, repo: `${owner}/${repo}` });
    if (failures.length > 0) return { kind: 'retryable', reason: failures.join('; ') };
  }
  return { kind: 'done', outcome: 'published' };
}
