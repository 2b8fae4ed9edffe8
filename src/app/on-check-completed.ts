import type { Context } from 'probot';
import { findOpenPullRequests } from '../github/find-open-pull-requests.js';
import { STATUS_CONTEXT } from '../github/names.js';
import { evaluatePullRequest, type AppDeps } from './evaluate-pull-request.js';
import { CheckRunPayload, CheckSuitePayload, parsePayload, StatusPayload } from './payloads.js';
import { refreshTrail } from './record-verdict.js';

export const CHECK_COMPLETED_EVENTS = ['check_run.completed', 'check_suite.completed', 'status'] as const;

interface Target {
  owner: string;
  repo: string;
  sha: string;
  /** PR numbers the payload names; empty means look them up by SHA. */
  numbers: number[];
  /** Someone else wrote our `change-control` status: re-post ours and record it. */
  overwrittenBy?: { login: string; state: string; description: string | null };
}

/** Which commit the event is about, or null when it is our own output (which must not trigger us again). */
async function targetOf(context: Context<(typeof CHECK_COMPLETED_EVENTS)[number]>, deps: AppDeps): Promise<Target | null> {
  const appId = deps.appId;
  if (context.name === 'status') {
    const p = parsePayload(StatusPayload, 'status', context.payload);
    const target = { owner: p.repository.owner.login, repo: p.repository.name, sha: p.sha, numbers: [] };
    if (p.context !== STATUS_CONTEXT) return target;
    if (p.sender.login === (await deps.botLogin())) return null;
    return { ...target, overwrittenBy: { login: p.sender.login, state: p.state, description: p.description ?? null } };
  }
  if (context.name === 'check_run') {
    const p = parsePayload(CheckRunPayload, 'check_run', context.payload);
    if (p.check_run.app?.id === appId) return null;
    const numbers = p.check_run.pull_requests.filter((pr) => !pr.base || pr.base.repo.id === p.repository.id).map((pr) => pr.number);
    return { owner: p.repository.owner.login, repo: p.repository.name, sha: p.check_run.head_sha, numbers };
  }
  const p = parsePayload(CheckSuitePayload, 'check_suite', context.payload);
  if (p.check_suite.app?.id === appId) return null;
  const numbers = p.check_suite.pull_requests.filter((pr) => !pr.base || pr.base.repo.id === p.repository.id).map((pr) => pr.number);
  return { owner: p.repository.owner.login, repo: p.repository.name, sha: p.check_suite.head_sha, numbers };
}

/** A check or status finished on a commit: evaluate each open PR whose head it is. */
export function onCheckCompleted(deps: AppDeps) {
  return async (context: Context<(typeof CHECK_COMPLETED_EVENTS)[number]>): Promise<void> => {
    const target = await targetOf(context, deps);
    if (target === null) return;
    const numbers =
      target.numbers.length > 0 ? target.numbers : await findOpenPullRequests({ octokit: context.octokit, ...target });
    for (const number of numbers) {
      if (target.overwrittenBy) {
        context.log.warn({ pr: `${target.owner}/${target.repo}#${number}`, overwrittenBy: target.overwrittenBy }, 'our status was overwritten');
        await deps.audit.append({
          kind: 'status-overwritten',
          at: deps.now().toISOString(),
          deliveryId: context.id,
          repo: `${target.owner}/${target.repo}`,
          prNumber: number,
          headSha: target.sha,
          data: { overwrittenBy: target.overwrittenBy.login, state: target.overwrittenBy.state, description: target.overwrittenBy.description },
        });
      }
      await evaluatePullRequest({
        octokit: context.octokit,
        log: context.log,
        deps,
        owner: target.owner,
        repo: target.repo,
        number,
        headSha: target.sha,
        deliveryId: context.id,
        force: target.overwrittenBy ? 'status' : 'none',
        installationId: context.payload.installation?.id ?? null,
      });
      // The trail comment shows the tampering now, not only at the next verdict change.
      if (target.overwrittenBy) await refreshTrail({ deps, octokit: context.octokit, log: context.log, owner: target.owner, repo: target.repo, number });
    }
  };
}
