import type { Context } from 'probot';
import { evaluatePullRequest, type AppDeps } from './evaluate-pull-request.js';
import { parsePayload, PullRequestPayload } from './payloads.js';

export const PULL_REQUEST_EVENTS = [
  'pull_request.opened',
  'pull_request.reopened',
  'pull_request.synchronize',
  'pull_request.edited',
  'pull_request.ready_for_review',
  'pull_request_review.submitted',
  'pull_request_review.edited',
  'pull_request_review.dismissed',
] as const;

/** A PR or one of its reviews changed: evaluate that PR. */
export function onPullRequest(deps: AppDeps) {
  return async (context: Context<(typeof PULL_REQUEST_EVENTS)[number]>): Promise<void> => {
    const payload = parsePayload(PullRequestPayload, context.name, context.payload);
    await evaluatePullRequest({
      octokit: context.octokit,
      log: context.log,
      deps,
      owner: payload.repository.owner.login,
      repo: payload.repository.name,
      number: payload.pull_request.number,
      headSha: payload.pull_request.head.sha,
    });
  };
}
