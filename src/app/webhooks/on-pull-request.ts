import type { Context } from 'probot';
import { acceptWork } from '../accept-work.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { installationOf } from './installation-of.js';
import { parsePayload, PullRequestPayload, SenderPayload } from '../payloads.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';

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

/**
 * Events whose sender pushed the head: the PR's opener and each push while it is open. Not `reopened`:
 * reopening pushes nothing (GitHub sends no push events for a closed PR, so its pushers are unknown).
 */
const PUSH_ACTIONS = new Set(['opened', 'synchronize']);

/** A PR or one of its reviews changed: record who pushed a new head, then queue its evaluation. */
export function onPullRequest(deps: AppDeps) {
  return async (context: Context<(typeof PULL_REQUEST_EVENTS)[number]>): Promise<void> => {
    const payload = parsePayload(PullRequestPayload, context.name, context.payload);
    const owner = payload.repository.owner.login;
    const repo = payload.repository.name;
    const { number, head } = payload.pull_request;
    const installationId = installationOf(context.name, context.payload);
    if (context.name === 'pull_request' && PUSH_ACTIONS.has(context.payload.action)) {
      const { sender } = parsePayload(SenderPayload, context.name, context.payload);
      await recordEvidence(deps, {
        kind: 'push',
        deliveryId: context.id,
        repo: `${owner}/${repo}`,
        prNumber: number,
        headSha: head.sha,
        data: {
          pusher: sender.login,
          senderType: sender.type ?? null,
          action: context.payload.action,
          updatedAt: payload.pull_request.updated_at ?? null,
        },
      });
    }
    // The push record comes first: evidence the evaluation reads (who pushed) must not wait in the queue.
    await acceptWork({
      deps,
      delivery: context,
      requests: [
        {
          kind: 'pull',
          installationId,
          owner,
          repo,
          number,
          headSha: head.sha,
          deliveryIds: [context.id],
          force: 'none',
          statusWrites: [],
        },
      ],
    });
  };
}
