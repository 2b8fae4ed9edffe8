import { escapeMarkdown } from '../github/escape-markdown.js';
import { muteMentions } from '../github/mute-mentions.js';
import { readRepoPermission } from '../github/read-repo-permission.js';
import { recordCommand, refuseCommand, replyTo, type CommandContext } from './command-context.js';
import { evaluatePullRequest } from './evaluate-pull-request.js';

/**
 * `/change-control recheck` on a pull request: anyone with write access (write, maintain or admin) has it
 * evaluated again now. What changed is published as after any event; the reply gives the verdict.
 */
export async function recheck(ctx: CommandContext): Promise<void> {
  const { deps, octokit, owner, repo, number } = ctx;
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
  const outcome = await evaluatePullRequest({
    octokit,
    log: ctx.log,
    deps,
    owner,
    repo,
    number,
    headSha: null,
    deliveryId: ctx.deliveryId,
    force: 'none',
    installationId: ctx.installationId,
  });
  if (outcome.kind === 'skipped') {
    await recordCommand(ctx, { command: 'recheck', outcome: 'accepted', result: { skipped: outcome.reason } });
    await replyTo(ctx, `this pull request was not evaluated: ${outcome.reason}.`);
    return;
  }
  const { verdict } = outcome;
  await recordCommand(ctx, {
    command: 'recheck',
    outcome: 'accepted',
    result: { state: verdict.state, description: verdict.description, headSha: verdict.pullRequest.headSha },
    subject: { repo: `${owner}/${repo}`, prNumber: number, headSha: verdict.pullRequest.headSha },
  });
  await replyTo(
    ctx,
    `evaluated head \`${verdict.pullRequest.headSha.slice(0, 7)}\` again: **${verdict.state}**: ${muteMentions(escapeMarkdown(verdict.description))}`,
  );
}
