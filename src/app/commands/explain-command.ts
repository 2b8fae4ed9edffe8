import { escapeMarkdown } from '../../github/escape-markdown.js';
import { muteMentions } from '../../github/mute-mentions.js';
import { renderReport } from '../../github/render-report.js';
import { assessPullRequest } from '../../evaluation/assess-pull-request.js';
import { recordCommand, refuseCommand, replyTo, type CommandContext } from './command-context.js';
import { verdictFingerprint } from '../../evaluation/record-verdict.js';

/**
 * `/change-control explain` on a pull request: replies with the evaluation as it stands now, as the check
 * run would show it (emergency included). Nothing is published or recorded but the command itself.
 */
export async function explain(ctx: CommandContext): Promise<void> {
  const { deps, octokit, owner, repo, number } = ctx;
  if (!ctx.isPullRequest)
    return refuseCommand(ctx, {
      command: 'explain',
      reason: 'not a pull request',
      reply: '`/change-control explain` is given on a pull request.',
    });
  const assessment = await assessPullRequest({ octokit, deps, owner, repo, number });
  if (assessment.kind === 'skipped') {
    await recordCommand(ctx, { command: 'explain', outcome: 'accepted', result: { skipped: assessment.reason } });
    await replyTo(ctx, `this pull request is not evaluated: ${assessment.reason}.`);
    return;
  }
  const { verdict } = assessment;
  const report = renderReport(verdict);
  await recordCommand(ctx, {
    command: 'explain',
    outcome: 'accepted',
    result: { state: verdict.state, description: verdict.description, fingerprint: verdictFingerprint(verdict) },
    subject: { repo: `${owner}/${repo}`, prNumber: number, headSha: verdict.pullRequest.headSha },
  });
  // The report names authors, contributors and reviewers: as a comment it must not notify them all.
  const body = [
    `here is the evaluation of head \`${verdict.pullRequest.headSha.slice(0, 7)}\` as it stands now:`,
    '',
    `## ${escapeMarkdown(report.title)}`,
    '',
    report.summary,
    '',
    report.text,
  ].join('\n');
  await replyTo(ctx, muteMentions(body));
}
