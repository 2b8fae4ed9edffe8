import type { EmergencyRecord } from '../../audit/evidence-records.js';
import { openEmergencyIssue } from '../../github/open-emergency-issue.js';
import { readTeamMembers, TeamNotFoundError } from '../../github/read-team-members.js';
import { waivedLine } from '../../github/render-emergency.js';
import { waivedControls } from '../../policy/apply-emergency.js';
import { findContributors } from '../../policy/find-contributors.js';
import { assessPullRequest } from '../../evaluation/assess-pull-request.js';
import { refuseCommand, replyTo, type CommandContext } from './command-context.js';
import { evaluationOf } from './queue-evaluation.js';
import { findEmergency } from '../../evaluation/find-emergency.js';
import { headPushedAfter } from './head-pushed-after.js';
import { readPushers } from '../../evaluation/read-pushers.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';

const HOUR_MS = 3_600_000;

/** The audit meta key that maps a follow-up issue to its `emergency` entry (value: the entry's seq). */
export function emergencyIssueKey(repo: string, number: number): string {
  return `emergency-issue:${repo}#${number}`.toLowerCase();
}

/** A redelivered comment: its authorisation is recorded (and its follow-up issue open) already. */
async function alreadyHandled(ctx: CommandContext): Promise<boolean> {
  const entries = await ctx.deps.audit.list({ repo: `${ctx.owner}/${ctx.repo}`, prNumber: ctx.number, kinds: ['emergency'] });
  return entries.some((e) => (e.data.comment as { id?: unknown } | undefined)?.id === ctx.comment.id);
}

/** Through the queue like every trigger: the worker evaluates the PR (the authorisation now passes this head) and publishes. */
async function queueItsEvaluation(ctx: CommandContext, headSha: string | null): Promise<void> {
  await ctx.deps.queue.enqueue([evaluationOf(ctx, { headSha })], Date.now());
}

/**
 * `/change-control emergency <reason>` on a pull request, run by the worker (run-queued-command.ts). A member of an
 * `emergency.teams` team who is neither the PR's author nor a contributor may authorise it: the follow-up issue is
 * opened, the authorisation recorded (an `emergency` entry, with what it waives), and the PR evaluated again,
 * which passes it on this head commit. Anyone else is refused with a reply saying who may. The queue runs one
 * command per PR at a time across replicas, so two authorisations given together do not open two follow-up issues.
 */
export async function authoriseEmergency(ctx: CommandContext, reason: string): Promise<void> {
  const { deps, octokit, owner, repo, number } = ctx;
  const refuse = (why: string, reply: string) => refuseCommand(ctx, { command: 'emergency', reason: why, reply });
  if (!ctx.isPullRequest)
    return refuse('not a pull request', '`/change-control emergency` is given on the pull request to authorise, not on an issue.');
  // A retry after the entry was recorded: it is not recorded twice, and its evaluation is queued (again: merged if waiting).
  if (await alreadyHandled(ctx)) return queueItsEvaluation(ctx, null);

  const assessment = await assessPullRequest({ octokit, deps, owner, repo, number, ignoreEmergency: true });
  if (assessment.kind === 'skipped')
    return refuse(
      `not evaluated: ${assessment.reason}`,
      `this pull request is not under change control (${assessment.reason}): there is nothing to authorise.`,
    );
  const { config, verdict, facts } = assessment;
  if (config === null) {
    return refuse(
      'the policy cannot be read',
      'the change-control policy cannot be read, so it names no one who may authorise an emergency and an emergency cannot override it. Fix the policy first (the check run lists its errors).',
    );
  }
  const { teams } = config.emergency;
  if (teams.length === 0)
    return refuse(
      'no emergency path',
      "this repository's change-control policy has no emergency path (`emergency.teams` is empty), so no one may authorise an emergency change here.",
    );

  const whoMay = `Only a member of ${teams.join(' or ')} who is neither the author of this pull request nor one of its contributors may authorise it as an emergency change.`;
  const login = ctx.by.toLowerCase();
  if (login === facts.author.login.toLowerCase())
    return refuse('the PR author', `you opened this pull request, so you cannot authorise it as an emergency change. ${whoMay}`);
  const pushers = await readPushers({ deps, owner, repo, number });
  // On an evaluation error only the read facts are there (no clean base merges): every merge's author counts (stricter).
  const cleanBaseMerges = 'cleanBaseMerges' in facts ? facts.cleanBaseMerges : [];
  const contributors = findContributors({ commits: facts.commits, pushers, cleanBaseMerges });
  const contribution = contributors.byLogin.get(login);
  if (contribution)
    return refuse(
      'a contributor',
      `you contributed to this pull request (${contribution.detail}), so you cannot authorise it as an emergency change. ${whoMay}`,
    );
  let members: Record<string, string[]>;
  try {
    members = await readTeamMembers({ graphql: octokit.graphql, teams });
  } catch (error) {
    if (!(error instanceof TeamNotFoundError)) throw error;
    return refuse(
      `team ${error.team} cannot be read`,
      `team ${error.team} in \`emergency.teams\` does not exist or the app cannot see it (it needs the Members: read permission), so the emergency cannot be authorised.`,
    );
  }
  if (!teams.some((team) => members[team]?.includes(login)))
    return refuse('not a member of emergency.teams', `you are not a member of ${teams.join(' or ')}. ${whoMay}`);

  // The authorisation covers the head its author looked at when writing the comment, never one pushed since.
  if (ctx.writtenAt === undefined) throw new Error('an emergency authorisation needs the time its comment was written');
  const moved = await headPushedAfter({ deps, owner, repo, number, headSha: facts.headSha, writtenAt: ctx.writtenAt });
  if (moved) {
    const head = `\`${facts.headSha.slice(0, 7)}\``;
    return moved.pushedAt === null
      ? refuse(
          'the head push is not recorded yet',
          `head ${head} has just been pushed and its push is not recorded yet, so it cannot be told whether you saw it. Look at ${head} and comment again in a minute.`,
        )
      : refuse(
          'the head moved after the comment',
          `head ${head} was pushed at ${moved.pushedAt}, after your comment (${ctx.writtenAt}): an emergency covers the code its authoriser looked at. Look at ${head} and comment again to authorise it.`,
        );
  }
  const existing = await findEmergency({ deps, owner, repo, number, headSha: facts.headSha });
  if (existing) {
    return refuse(
      'already authorised',
      `head \`${facts.headSha.slice(0, 7)}\` was already authorised as an emergency change by @${existing.by} at ${existing.at}; its follow-up issue is ${existing.followUpIssue.url}.`,
    );
  }
  if (verdict.state === 'success')
    return refuse(
      'nothing to waive',
      `every control passes on head \`${facts.headSha.slice(0, 7)}\`: there is nothing to waive, so no emergency was recorded.`,
    );

  const now = deps.now();
  const dueAt = new Date(now.getTime() + config.emergency.review_within_hours * HOUR_MS).toISOString();
  const waived = waivedControls(verdict);
  const reviewers = config.emergency.reviewers.length > 0 ? config.emergency.reviewers : teams;
  const pr = { repo: `${owner}/${repo}`, number, title: facts.title, url: facts.url, author: facts.author.login };
  const contributorLogins = [...contributors.byLogin.values()].map((c) => c.login);
  const policy = verdict.policy ? `${verdict.policy.repo}:${verdict.policy.path}@${verdict.policy.blobSha}` : null;
  const target = config.emergency.review_repo ?? pr.repo;
  let followUpIssue: EmergencyRecord['followUpIssue'];
  try {
    followUpIssue = await openEmergencyIssue({
      octokit,
      target,
      pr,
      by: ctx.by,
      reason,
      headSha: facts.headSha,
      waived,
      contributors: contributorLogins,
      dueAt,
      reviewWithinHours: config.emergency.review_within_hours,
      reviewers,
      commentUrl: ctx.comment.url,
      policy,
    });
  } catch (error) {
    // The follow-up is part of the control: without it there is no retrospective approval, so no emergency.
    ctx.log.error({ err: error, target }, 'emergency follow-up issue could not be opened');
    const message = error instanceof Error ? error.message : String(error);
    return refuse(
      `follow-up issue not opened in ${target}: ${message}`,
      `the follow-up issue could not be opened in ${target} (${message}), so the emergency was not authorised. The app must be installed on ${target} with issues enabled.`,
    );
  }

  const record: EmergencyRecord = {
    by: ctx.by,
    reason,
    headSha: facts.headSha,
    installationId: ctx.installationId,
    pr,
    contributors: contributorLogins,
    waived,
    verdictBefore: { state: verdict.state, description: verdict.description },
    followUpIssue,
    dueAt,
    teams,
    reviewers,
    comment: ctx.comment,
    writtenAt: ctx.writtenAt,
    policy,
  };
  const entry = await recordEvidence(deps, {
    kind: 'emergency',
    at: now.toISOString(),
    deliveryId: ctx.deliveryId,
    repo: pr.repo,
    prNumber: number,
    headSha: facts.headSha,
    data: record,
  });
  // A redelivered comment finds its entry already recorded: the follow-up issue was opened then.
  if (entry === null) return;
  await deps.audit.setMeta(emergencyIssueKey(followUpIssue.repo, followUpIssue.number), String(entry.seq));
  ctx.log.warn({ pr: `${pr.repo}#${number}`, headSha: facts.headSha, by: ctx.by, seq: entry.seq }, 'emergency change authorised');
  await queueItsEvaluation(ctx, facts.headSha);

  await replyTo(
    ctx,
    [
      `authorised this pull request as an emergency change on head \`${facts.headSha.slice(0, 7)}\` (audit entry #${entry.seq}). Waived:`,
      '',
      ...waived.map((w) => `- ${waivedLine(w)}`),
      '',
      `Follow-up issue: ${followUpIssue.url}; the retrospective approval is due by ${dueAt}. A new push needs a new authorisation.`,
    ].join('\n'),
  );
}
