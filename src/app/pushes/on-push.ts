import type { Context } from 'probot';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { acceptWork } from '../accept-work.js';
import { PushPayload, parsePayload } from '../payloads.js';
import { installationOf } from '../webhooks/installation-of.js';

const BRANCH_PREFIX = 'refs/heads/';

/**
 * A ref moved: a push to a branch is queued for checking (check-push.ts), one queue row per branch so its pushes are
 * checked one at a time, in the order they were accepted. Tags and other refs are ignored here; whether the branch
 * is controlled is the worker's question (it reads the policy from the default branch): the webhook is answered
 * without a call to GitHub.
 */
export function onPush(deps: AppDeps) {
  return async (context: Context<'push'>): Promise<void> => {
    const p = parsePayload(PushPayload, 'push', context.payload);
    if (!p.ref.startsWith(BRANCH_PREFIX)) return;
    const branch = p.ref.slice(BRANCH_PREFIX.length);
    await acceptWork({
      deps,
      delivery: context,
      requests: [
        {
          kind: 'push',
          installationId: installationOf(context.name, context.payload),
          owner: p.repository.owner.login,
          repo: p.repository.name,
          branch,
          deliveryIds: [context.id],
          force: 'none',
          statusWrites: [],
          pushes: [
            {
              deliveryId: context.id,
              branch,
              before: p.before,
              after: p.after,
              created: p.created,
              deleted: p.deleted,
              forced: p.forced,
              sender: p.sender?.login ?? null,
              pusher: { name: p.pusher.name, email: p.pusher.email ?? null },
              receivedAt: deps.now().toISOString(),
            },
          ],
        },
      ],
    });
  };
}
