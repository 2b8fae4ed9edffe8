import type { CommandAsk } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';
import type { CommandContext } from './command-context.js';

/**
 * `/change-control emergency` and `approve-retro` run in the worker, like every trigger (run-queued-command.ts):
 * one queue row per PR or issue, whose lease makes two commands given together run one after the other on any
 * replica, the second seeing what the first recorded (one follow-up issue, one retrospective approval). A
 * redelivered comment (same delivery id) queues nothing.
 */
export async function queueCommand(ctx: CommandContext, command: CommandAsk['command']): Promise<void> {
  await acceptWork({
    deps: ctx.deps,
    delivery: { id: ctx.deliveryId, name: 'issue_comment', log: ctx.log },
    requests: [
      {
        kind: 'command',
        installationId: ctx.installationId,
        owner: ctx.owner,
        repo: ctx.repo,
        number: ctx.number,
        isPullRequest: ctx.isPullRequest,
        deliveryIds: [ctx.deliveryId],
        force: 'none',
        statusWrites: [],
        asks: [{ deliveryId: ctx.deliveryId, by: ctx.by, comment: ctx.comment, command }],
      },
    ],
  });
}
