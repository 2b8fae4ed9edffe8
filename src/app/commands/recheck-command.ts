import { escapeMarkdown } from '../../github/escape-markdown.js';
import { muteMentions } from '../../github/mute-mentions.js';
import { readRepoPermission } from '../../github/read-repo-permission.js';
import { recordCommand, refuseCommand, replyTo, type CommandContext } from './command-context.js';
import type { EvaluationOutcome } from '../../evaluation/evaluate-pull-request.js';
import { queueEvaluation } from './queue-evaluation.js';

/**
 * `/change-control recheck` on a pull request: anyone with write access (write, maintain or admin) has it
 * evaluated again. The evaluation goes through the queue like every other trigger (one door: the worker is the
 * only place that evaluates and publishes, one at a time per PR across replicas); the worker then answers the
 * command with `answerRecheck`. What changed is published as after any event; the reply gives the verdict.
 */
export async function recheck(ctx: CommandContext): Promise<void> {
  const { octokit, owner, repo } = ctx;
  if (!ctx.isPullRequest)
    return refuseCommand(ctx, {
      command: 'recheck',
      reason: 'not a pull request',
      reply: '`/change-control recheck` is given on a pull request.',
    });
  const permission = await readRepoPermission({ octokit, owner, repo, username: ctx.by });
  if (permission !== 'admin' && permission !== 'write') {
    return refuseCommand(ctx, {
      command: 'recheck',
      reason: `no write access (${permission})`,
      reply: `only people with write access to ${owner}/${repo} may ask for a recheck (your access: ${permission}). The check is evaluated again on every push, review and check result anyway.`,
    });
  }
  await queueEvaluation(ctx, { headSha: null, rechecks: [{ deliveryId: ctx.deliveryId, by: ctx.by, comment: ctx.comment }] });
}

/**
 * Answers a recheck once the worker has evaluated the PR: records the `command` entry, then replies. The entry
 * is keyed by the comment's delivery, so a retried evaluation finds it recorded and does not reply twice.
 */
export async function answerRecheck(ctx: CommandContext, outcome: EvaluationOutcome): Promise<void> {
  const { owner, repo, number } = ctx;
  if (outcome.kind === 'skipped') {
    const recorded = await recordCommand(ctx, { command: 'recheck', outcome: 'accepted', result: { skipped: outcome.reason } });
    if (recorded !== null) await replyTo(ctx, `this pull request was not evaluated: ${outcome.reason}.`);
    return;
  }
  const { verdict } = outcome;
  const recorded = await recordCommand(ctx, {
    command: 'recheck',
    outcome: 'accepted',
    result: { state: verdict.state, description: verdict.description, headSha: verdict.pullRequest.headSha },
    subject: { repo: `${owner}/${repo}`, prNumber: number, headSha: verdict.pullRequest.headSha },
  });
  if (recorded === null) return;
  await replyTo(
    ctx,
    `evaluated head \`${verdict.pullRequest.headSha.slice(0, 7)}\` again: **${verdict.state}**: ${muteMentions(escapeMarkdown(verdict.description))}`,
  );
}
