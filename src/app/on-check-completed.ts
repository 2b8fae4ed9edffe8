import type { Context } from 'probot';
import { findOpenPullRequests } from '../github/find-open-pull-requests.js';
import { STATUS_CONTEXT } from '../github/names.js';
import { evaluatePullRequest, type AppDeps } from './evaluate-pull-request.js';
import { CheckRunPayload, CheckSuitePayload, parsePayload, StatusPayload } from './payloads.js';

export const CHECK_COMPLETED_EVENTS = ['check_run.completed', 'check_suite.completed', 'status'] as const;

interface Target {
  owner: string;
  repo: string;
  sha: string;
  /** PR numbers the payload names; empty means look them up by SHA. */
  numbers: number[];
}

/** Which commit the event is about, or null when it is our own output (which must not trigger us again). */
function targetOf(context: Context<(typeof CHECK_COMPLETED_EVENTS)[number]>, appId: number): Target | null {
  if (context.name === 'status') {
    const p = parsePayload(StatusPayload, 'status', context.payload);
    if (p.context === STATUS_CONTEXT) return null;
    return { owner: p.repository.owner.login, repo: p.repository.name, sha: p.sha, numbers: [] };
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
    const target = targetOf(context, deps.appId);
    if (target === null) return;
    const numbers =
      target.numbers.length > 0 ? target.numbers : await findOpenPullRequests({ octokit: context.octokit, ...target });
    for (const number of numbers) {
      await evaluatePullRequest({
        octokit: context.octokit,
        log: context.log,
        deps,
        owner: target.owner,
        repo: target.repo,
        number,
        headSha: target.sha,
      });
    }
  };
}
