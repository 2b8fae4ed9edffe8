import type { Logger } from 'probot';
import { readComment } from '../../github/read-comment.js';
import type { RestClient } from '../../github/rest-client.js';
import type { WorkResult } from '../../queue/worker.js';
import type { CommandAsk, WorkRequest } from '../../store/work-request.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { approveRetro } from './approve-retro.js';
import { authoriseEmergency } from './authorise-emergency.js';
import type { CommandContext } from './command-context.js';

type CommandWork = Extract<WorkRequest, { kind: 'command' }>;

/**
 * Runs one queued `/change-control emergency` or `approve-retro` (queue-command.ts), as the worker: the comment is
 * read back from GitHub by id first. Deleted since it was accepted, it runs nothing; its author and the time it was
 * written are GitHub's (the head an authoriser looked at is the head at that time), never the queue row's.
 */
export async function runQueuedCommand(input: {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  request: CommandWork;
  ask: CommandAsk;
}): Promise<WorkResult> {
  const { deps, octokit, log, request, ask } = input;
  const { owner, repo, number } = request;
  const comment = await readComment({ octokit, owner, repo, id: ask.comment.id });
  if (comment === null) {
    log.info({ comment: ask.comment.id }, 'command comment deleted before it ran: nothing to do');
    return { kind: 'done', outcome: 'skipped' };
  }
  if (comment.author?.login !== ask.by) {
    log.warn(
      { comment: ask.comment.id, accepted: ask.by, github: comment.author?.login ?? null },
      'command comment author differs from the one accepted: not run',
    );
    return { kind: 'done', outcome: 'skipped' };
  }
  const ctx: CommandContext = {
    deps,
    octokit,
    log,
    deliveryId: ask.deliveryId,
    installationId: request.installationId,
    owner,
    repo,
    number,
    isPullRequest: request.isPullRequest,
    by: comment.author.login,
    comment: ask.comment,
    writtenAt: comment.createdAt,
  };
  if (ask.command.command === 'emergency') await authoriseEmergency(ctx, ask.command.reason);
  else await approveRetro(ctx, ask.command.note);
  return { kind: 'done', outcome: 'published' };
}
