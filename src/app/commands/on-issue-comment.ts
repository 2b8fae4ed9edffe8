import type { Context } from 'probot';
import { parseCommand } from '../../policy/parse-command.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { approveRetro } from './approve-retro.js';
import { authoriseEmergency } from './authorise-emergency.js';
import { refuseCommand, type CommandContext } from './command-context.js';
import { problemCommand, problemReply } from './command-replies.js';
import { explain } from './explain-command.js';
import { IssueCommentPayload, parsePayload } from '../payloads.js';
import { recheck } from './recheck-command.js';

/**
 * A new comment on a pull request or issue: runs its `/change-control` command, if it has one. Only
 * `created` is handled: editing or deleting a comment never runs (or undoes) a command, so what was
 * authorised is what was first written. Comments by bots, ours included, are ignored.
 */
export function onIssueComment(deps: AppDeps) {
  return async (context: Context<'issue_comment.created'>): Promise<void> => {
    const p = parsePayload(IssueCommentPayload, 'issue_comment', context.payload);
    const parsed = parseCommand(p.comment.body ?? '');
    if (parsed === null) return;
    const author = p.comment.user;
    // Checked after parsing, so a comment without a command costs no call (botLogin asks GitHub once).
    if (author.type === 'Bot' || author.login === (await deps.botLogin())) return;
    const ctx: CommandContext = {
      deps,
      octokit: context.octokit,
      log: context.log,
      deliveryId: context.id,
      installationId: p.installation.id,
      owner: p.repository.owner.login,
      repo: p.repository.name,
      number: p.issue.number,
      isPullRequest: p.issue.pull_request != null,
      by: author.login,
      comment: { id: p.comment.id, url: p.comment.html_url },
    };
    if (!parsed.ok) return refuseCommand(ctx, { command: problemCommand(parsed), reason: parsed.problem, reply: problemReply(parsed) });
    switch (parsed.command) {
      case 'emergency':
        return authoriseEmergency(ctx, parsed.reason);
      case 'approve-retro':
        return approveRetro(ctx, parsed.note);
      case 'recheck':
        return recheck(ctx);
      case 'explain':
        return explain(ctx);
    }
  };
}
