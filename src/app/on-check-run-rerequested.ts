import type { Context } from 'probot';
import { findOpenPullRequests } from '../github/find-open-pull-requests.js';
import { CHECK_RUN_NAME } from '../github/names.js';
import { evaluatePullRequest, type AppDeps } from './evaluate-pull-request.js';
import { CheckRunPayload, parsePayload } from './payloads.js';

/** Someone pressed "Re-run" on our check run: evaluate again and write a fresh status and check run. */
export function onCheckRunRerequested(deps: AppDeps) {
  return async (context: Context<'check_run.rerequested'>): Promise<void> => {
    const p = parsePayload(CheckRunPayload, 'check_run', context.payload);
    if (p.check_run.app?.id !== deps.appId || p.check_run.name !== CHECK_RUN_NAME) return;
    const owner = p.repository.owner.login;
    const repo = p.repository.name;
    const sha = p.check_run.head_sha;
    const named = p.check_run.pull_requests.filter((pr) => !pr.base || pr.base.repo.id === p.repository.id).map((pr) => pr.number);
    const numbers = named.length > 0 ? named : await findOpenPullRequests({ octokit: context.octokit, owner, repo, sha });
    for (const number of numbers) {
      await evaluatePullRequest({ octokit: context.octokit, log: context.log, deps, owner, repo, number, headSha: sha, deliveryId: context.id, force: 'all' });
    }
  };
}
