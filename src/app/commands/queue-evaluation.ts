import type { RecheckAsk } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';
import type { CommandContext } from './command-context.js';

/**
 * A command's evaluation goes through the durable queue like every trigger (the worker is the only place that
 * evaluates and publishes): one queued pull request for the comment's PR, keyed by the comment's delivery.
 */
export async function queueEvaluation(ctx: CommandContext, input: { headSha: string | null; rechecks?: RecheckAsk[] }): Promise<void> {
  const { deps, owner, repo, number } = ctx;
  await acceptWork({
    deps,
    delivery: { id: ctx.deliveryId, name: 'issue_comment', log: ctx.log },
    requests: [
      {
        kind: 'pull',
        installationId: ctx.installationId,
        owner,
        repo,
        number,
        headSha: input.headSha,
        deliveryIds: [ctx.deliveryId],
        force: 'none',
        statusWrites: [],
        ...(input.rechecks ? { rechecks: input.rechecks } : {}),
      },
    ],
  });
}
