import type { RecheckAsk, WorkRequest } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';
import type { CommandContext } from './command-context.js';

/** The queued evaluation of the comment's PR, under the comment's delivery. */
export function evaluationOf(ctx: CommandContext, input: { headSha: string | null; rechecks?: RecheckAsk[] }): WorkRequest {
  return {
    kind: 'pull',
    installationId: ctx.installationId,
    owner: ctx.owner,
    repo: ctx.repo,
    number: ctx.number,
    headSha: input.headSha,
    deliveryIds: [ctx.deliveryId],
    force: 'none',
    statusWrites: [],
    ...(input.rechecks ? { rechecks: input.rechecks } : {}),
  };
}

/**
 * A command's evaluation goes through the durable queue like every trigger (the worker is the only place that
 * evaluates and publishes): one queued pull request for the comment's PR, keyed by the comment's delivery, so a
 * redelivered comment queues nothing.
 */
export async function queueEvaluation(ctx: CommandContext, input: { headSha: string | null; rechecks?: RecheckAsk[] }): Promise<void> {
  await acceptWork({
    deps: ctx.deps,
    delivery: { id: ctx.deliveryId, name: 'issue_comment', log: ctx.log },
    requests: [evaluationOf(ctx, input)],
  });
}
