import type { Context } from 'probot';
import type { DeploymentGateRecord } from '../../audit/deployment-records.js';
import { renderGateComment, renderUnreadableComment } from '../../github/render-deployment-comment.js';
import { reviewDeployment, runIdOf } from '../../github/review-deployment.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { assessDeployment } from './assess-deployment.js';
import { ProtectionRulePayload } from './deployment-payloads.js';
import { parsePayload } from '../payloads.js';
import { readDeploymentPolicy } from './read-deployment-policy.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';

type Gate = Omit<DeploymentGateRecord, 'runId' | 'deploymentId' | 'ref'>;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The gate's answer when a fact could not be read: rejected, with why. */
function unreadable(input: { environment: string; sha: string; reason: string }): Gate {
  return {
    ...input,
    state: 'rejected',
    comment: renderUnreadableComment(input),
    previous: null,
    commitCount: null,
    changes: [],
    uncovered: [],
    error: input.reason,
  };
}

/** Reads the policy and the evidence and decides; never throws (a failure is a rejection). */
async function decide(
  context: Context<'deployment_protection_rule.requested'>,
  deps: AppDeps,
  p: ProtectionRulePayload,
): Promise<Gate | null> {
  const owner = p.repository.owner.login;
  const repo = p.repository.name;
  const { environment, sha } = p;
  try {
    const policy = await readDeploymentPolicy({ octokit: context.octokit, owner, repo, environment });
    if (policy.kind === 'not-gated') {
      context.log.info({ repo: `${owner}/${repo}`, environment, reason: policy.reason }, 'deployment not gated: left to other rules');
      return null;
    }
    if (policy.kind === 'invalid')
      return unreadable({ environment, sha, reason: `the policy ${policy.policy} cannot be used: ${policy.errors.join('; ')}` });
    if (p.deployment && p.deployment.sha !== sha) {
      return unreadable({ environment, sha, reason: `the deployment's commit ${p.deployment.sha} is not the run's commit ${sha}` });
    }
    const assessment = await assessDeployment({
      octokit: context.octokit,
      deps,
      owner,
      repo,
      environment,
      sha,
      excludeDeploymentId: p.deployment?.id ?? null,
      baseline: policy.config.baseline,
    });
    const { decision, previous, commitCount } = assessment;
    const comment = renderGateComment({ ...decision, environment, sha, previousSha: previous.sha, commitCount });
    return {
      environment,
      sha,
      state: decision.state,
      comment,
      previous,
      commitCount,
      changes: decision.changes,
      uncovered: decision.uncovered,
      error: null,
    };
  } catch (error) {
    context.log.error({ err: error, repo: `${owner}/${repo}`, environment, sha }, 'deployment evidence could not be read: rejecting');
    return unreadable({ environment, sha, reason: message(error) });
  }
}

/**
 * GitHub asks the app, as a custom deployment protection rule, whether a workflow job may deploy to an
 * environment. For an environment the policy gates: approve when every commit new to it comes from an approved
 * change, else reject; reject whenever the evidence cannot be read. An approval is recorded in the audit
 * store before it is sent: one that cannot be recorded is sent as a rejection instead.
 */
export function onDeploymentProtectionRule(deps: AppDeps) {
  return async (context: Context<'deployment_protection_rule.requested'>): Promise<void> => {
    const p = parsePayload(ProtectionRulePayload, 'deployment_protection_rule', context.payload);
    const owner = p.repository.owner.login;
    const repo = p.repository.name;
    const runId = runIdOf(p.deployment_callback_url);
    if (runId === null) throw new Error(`deployment_callback_url ${p.deployment_callback_url} names no workflow run`);

    let gate = await decide(context, deps, p);
    if (gate === null) return;
    let recordError: unknown = null;
    try {
      await recordEvidence(deps, {
        kind: 'deployment-gate',
        deliveryId: context.id,
        repo: `${owner}/${repo}`,
        prNumber: null,
        headSha: p.sha,
        data: { ...gate, ref: p.ref ?? null, runId, deploymentId: p.deployment?.id ?? null } satisfies DeploymentGateRecord,
      });
    } catch (error) {
      recordError = error;
      context.log.error({ err: error, repo: `${owner}/${repo}`, environment: p.environment }, 'deployment gate could not be recorded');
      if (gate.state === 'approved')
        gate = unreadable({
          environment: p.environment,
          sha: p.sha,
          reason: `the approval could not be recorded in the audit store: ${message(error)}`,
        });
    }
    const answer = await reviewDeployment({
      octokit: context.octokit,
      owner,
      repo,
      runId,
      environment: p.environment,
      state: gate.state,
      comment: gate.comment,
    });
    context.log.info(
      { repo: `${owner}/${repo}`, environment: p.environment, sha: p.sha, runId, state: gate.state, answer },
      'deployment gate answered',
    );
    // The answer is sent; the delivery still fails so that it shows, and a redelivery records the decision.
    if (recordError !== null) throw recordError;
  };
}
