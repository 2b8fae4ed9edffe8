import type { Logger } from 'probot';
import type { DeploymentBypassRecord } from '../../audit/deployment-records.js';
import { openDeploymentBypassIssue } from '../../github/open-deployment-bypass-issue.js';
import type { RestClient } from '../../github/rest-client.js';
import type { AppDeps } from '../../evaluation/app-deps.js';

/**
 * Records a success on a gated environment that the app did not approve as a `deployment-bypass` exception, with
 * an issue in the repository. An issue that cannot be opened is logged; the exception entry is written regardless.
 */
export async function recordDeploymentBypass(input: {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  /** The delivery of the deployment status. */
  deliveryId: string;
  repo: string;
  bypass: Omit<DeploymentBypassRecord, 'type' | 'issueUrl'>;
}): Promise<void> {
  const { deps, octokit, log, repo, bypass } = input;
  log.warn(
    { repo, environment: bypass.environment, sha: bypass.sha, deploymentId: bypass.deploymentId, reason: bypass.reason },
    'deployment-bypass: a success the gate did not approve',
  );
  let issueUrl: string | null = null;
  try {
    issueUrl = await openDeploymentBypassIssue({ octokit, target: repo, repo, ...bypass, auditSeq: bypass.statusSeq });
  } catch (error) {
    log.error({ err: error, repo }, 'deployment-bypass issue could not be opened; the audit store records the exception');
  }
  const record: DeploymentBypassRecord = { type: 'deployment-bypass', ...bypass, issueUrl };
  await deps.audit.append({
    kind: 'exception',
    at: deps.now().toISOString(),
    deliveryId: input.deliveryId,
    repo,
    prNumber: null,
    headSha: bypass.sha,
    data: { ...record },
  });
}
