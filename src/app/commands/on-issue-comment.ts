import type { Context } from 'probot';
import { readComment } from '../../github/read-comment.js';
import { parseCommand } from '../../policy/parse-command.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { refuseCommand, type CommandContext } from './command-context.js';
import { problemCommand, problemReply } from './command-replies.js';
import { explain } from './explain-command.js';
import { IssueCommentPayload, parsePayload } from '../payloads.js';
import { queueCommand } from './queue-command.js';
import { recheck } from './recheck-command.js';

/**
 * A new comment on a pull request or issue: runs its `/change-control` command, if it has one (`emergency` and
 * `approve-retro` are queued for the worker, like the evaluation `recheck` asks for). Only
 * `created` is handled: editing or deleting a comment never runs (or undoes) a command, so what was
 * authorised is what was first written. Comments by bots, ours included, are ignored.
 */
export function onIssueComment(deps: AppDeps) {
  return async (context: Context<'issue_comment.created'>): Promise<void> => {
    const p = parsePayload(IssueCommentPayload, 'issue_comment', context.payload);
    // The payload only says whether to look: a comment without a command, or by a bot, costs no call.
    if (parseCommand(p.comment.body ?? '') === null || p.comment.user.type === 'Bot') return;
    const owner = p.repository.owner.login;
    const repo = p.repository.name;
    // Who wrote what is read back from GitHub by the comment's id, never taken from the payload (docs/security.md).
    const comment = await readComment({ octokit: context.octokit, owner, repo, id: p.comment.id });
    if (comment === null) return void context.log.info({ comment: p.comment.id }, 'command comment deleted before it ran: nothing to do');
    const parsed = parseCommand(comment.body);
    if (parsed === null)
      return void context.log.info({ comment: p.comment.id }, 'command comment no longer holds a command: nothing to do');
    const author = comment.author;
    if (author === null)
      return void context.log.warn({ comment: p.comment.id }, 'command comment has no author on GitHub (a deleted account): not run');
    if (author.login !== p.comment.user.login)
      context.log.warn(
        { comment: p.comment.id, payload: p.comment.user.login, github: author.login },
        'command comment author differs from the delivery: GitHub’s is used',
      );
    // botLogin asks GitHub once.
    if (author.type === 'Bot' || author.login === (await deps.botLogin())) return;
    const ctx: CommandContext = {
      deps,
      octokit: context.octokit,
      log: context.log,
      deliveryId: context.id,
      installationId: p.installation.id,
      owner,
      repo,
      number: p.issue.number,
      isPullRequest: p.issue.pull_request != null,
      by: author.login,
      comment: { id: comment.id, url: comment.url },
      writtenAt: comment.createdAt,
    };
    if (!parsed.ok) return refuseCommand(ctx, { command: problemCommand(parsed), reason: parsed.problem, reply: problemReply(parsed) });
    switch (parsed.command) {
      // Both change what a verdict rests on: the worker runs them, one at a time per PR or issue across replicas.
      case 'emergency':
        return queueCommand(ctx, { command: 'emergency', reason: parsed.reason });
      case 'approve-retro':
        return queueCommand(ctx, { command: 'approve-retro', note: parsed.note });
      case 'recheck':
        return recheck(ctx);
      case 'explain':
        return explain(ctx);
    }
  };
}
