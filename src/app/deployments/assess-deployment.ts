import type { AuditEntry } from '../../audit/audit-entry.js';
import type { ProductionSource } from '../../audit/deployment-records.js';
import { approves } from '../../audit/find-gate-approval.js';
import { lastDeployedSha } from '../../audit/last-deployed-sha.js';
import { readChangeEvidence } from '../../audit/read-change-evidence.js';
import { verifyEntrySelf } from '../../audit/verify-evidence.js';
import { findDeployedSha } from '../../github/find-deployed-sha.js';
import { listNewCommits } from '../../github/list-new-commits.js';
import type { RestClient } from '../../github/rest-client.js';
import { decideDeployment, type DeploymentDecision } from '../../policy/decide-deployment.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { verifyStoredEvidence } from '../../evaluation/verify-stored-evidence.js';

/** Nothing tells which commits are already in the environment: every commit would need evidence, so none is decided. */
export class NoKnownDeploymentError extends Error {
  constructor(environment: string) {
    super(
      `no successful deployment to ${environment} is known (neither in the audit trail nor on GitHub), so the commits new to it cannot be told: set deployments.baseline in .github/change-control.yml to the commit now in ${environment}`,
    );
    this.name = 'NoKnownDeploymentError';
  }
}

export interface DeploymentAssessment {
  previous: { sha: string; source: ProductionSource };
  commitCount: number;
  decision: DeploymentDecision;
}

/** Which GitHub deployments the app's gate approved for the environment (each entry checked: hash and signature). */
async function approvedDeployments(input: {
  deps: AppDeps;
  repo: string;
  environment: string;
}): Promise<(d: { id: number; sha: string }) => boolean> {
  const { deps, repo, environment } = input;
  const gates = await deps.audit.list({ repo, kinds: ['deployment-gate'] });
  for (const entry of gates) verifyEntrySelf({ signer: deps.auditSigner, entry });
  return (deployment) =>
    gates.some(
      (entry) => entry.headSha === deployment.sha && approves(entry, { environment, deploymentId: deployment.id, sha: deployment.sha }),
    );
}

/**
 * The commit already in the environment: the last successful deployment the audit trail records that the app's
 * gate approved; else the newest one GitHub shows as successful among those the gate approved; else the policy's
 * `deployments.baseline`. A success the gate did not approve (a deployment-bypass) never counts.
 */
async function previousDeployment(input: {
  octokit: RestClient;
  deps: AppDeps;
  owner: string;
  repo: string;
  environment: string;
  excludeDeploymentId: number | null;
  baseline: string | undefined;
}): Promise<DeploymentAssessment['previous']> {
  const { octokit, deps, owner, repo, environment } = input;
  const recorded = await lastDeployedSha({ store: deps.audit, repo: `${owner}/${repo}`, environment });
  if (recorded) {
    // The baseline decides which commits need evidence: a forged deployment-status row must not move it.
    await verifyStoredEvidence({ deps, entries: [recorded.entry] });
    return { sha: recorded.sha, source: 'audit' };
  }
  const approved = await approvedDeployments({ deps, repo: `${owner}/${repo}`, environment });
  const onGitHub = await findDeployedSha({ octokit, owner, repo, environment, excludeId: input.excludeDeploymentId, approved });
  if (onGitHub) return { sha: onGitHub, source: 'github' };
  if (input.baseline) return { sha: input.baseline, source: 'baseline' };
  throw new NoKnownDeploymentError(environment);
}

/**
 * Which commits deploying `sha` brings into the environment, and whether each comes from an approved change
 * (decideDeployment). Throws whenever a fact cannot be read: the gate then rejects, it never approves on less.
 */
export async function assessDeployment(input: {
  octokit: RestClient;
  deps: AppDeps;
  owner: string;
  repo: string;
  environment: string;
  sha: string;
  /** The deployment being decided or recorded: never its own predecessor. */
  excludeDeploymentId: number | null;
  baseline: string | undefined;
}): Promise<DeploymentAssessment> {
  const { octokit, deps, owner, repo, sha } = input;
  const previous = await previousDeployment(input);
  const commits = previous.sha === sha ? [] : await listNewCommits({ octokit, owner, repo, base: previous.sha, head: sha });
  // Each merge, emergency and retrospective approval that could pass a commit is checked (hash, signature) first.
  const check = (entry: AuditEntry): void => verifyEntrySelf({ signer: deps.auditSigner, entry });
  const evidence =
    commits.length === 0 ? [] : await readChangeEvidence({ store: deps.audit, repo: `${owner}/${repo}`, now: deps.now(), check });
  return { previous, commitCount: commits.length, decision: decideDeployment({ commits, evidence }) };
}
