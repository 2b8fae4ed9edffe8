import type { Logger } from 'probot';
import type { AuditEntry } from '../../audit/audit-entry.js';
import type { CommandRecord } from '../../audit/evidence-records.js';
import { postComment } from '../../github/post-comment.js';
import type { RestClient } from '../../github/rest-client.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';

/** One `/change-control` comment being handled: where it was written, by whom, and what the app may use. */
export interface CommandContext {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  deliveryId: string;
  installationId: number;
  /** The repository and issue (or pull request) the comment is on. */
  owner: string;
  repo: string;
  number: number;
  isPullRequest: boolean;
  /** Who wrote the comment. */
  by: string;
  comment: { id: number; url: string };
  /**
   * When the comment was written, as GitHub has it (the head its author saw is the head at that time). Absent when
   * the worker answers a queued recheck, which needs no head of its own.
   */
  writtenAt?: string;
}

/** The pull request an audit entry is about, when it is not the one commented on (a follow-up issue's PR). */
export interface EntrySubject {
  repo: string;
  prNumber: number | null;
  headSha: string | null;
}

/** The subject of a command given on the PR itself, or on an issue that belongs to no known PR. */
function ownSubject(ctx: CommandContext): EntrySubject {
  return { repo: `${ctx.owner}/${ctx.repo}`, prNumber: ctx.isPullRequest ? ctx.number : null, headSha: null };
}

/** Replies to the command with one comment on the issue or pull request it was given on, addressed to its author. */
export async function replyTo(ctx: CommandContext, text: string): Promise<{ id: number; url: string }> {
  return postComment({ octokit: ctx.octokit, owner: ctx.owner, repo: ctx.repo, number: ctx.number, body: `@${ctx.by} ${text}` });
}

/** Appends the `command` entry that records what became of a command. */
export async function recordCommand(
  ctx: CommandContext,
  input: {
    command: string | null;
    outcome: CommandRecord['outcome'];
    reason?: string | null;
    result?: Record<string, unknown> | null;
    subject?: EntrySubject;
  },
): Promise<AuditEntry | null> {
  const subject = input.subject ?? ownSubject(ctx);
  const record: CommandRecord = {
    command: input.command,
    by: ctx.by,
    outcome: input.outcome,
    reason: input.reason ?? null,
    issue: { repo: `${ctx.owner}/${ctx.repo}`, number: ctx.number, pullRequest: ctx.isPullRequest },
    comment: ctx.comment,
    result: input.result ?? null,
  };
  return recordEvidence(ctx.deps, {
    kind: 'command',
    deliveryId: ctx.deliveryId,
    repo: subject.repo,
    prNumber: subject.prNumber,
    headSha: subject.headSha,
    data: record,
  });
}

/** Refuses a command: records why, then replies with the explanation (who may do it, or what was wrong). */
export async function refuseCommand(
  ctx: CommandContext,
  input: { command: string | null; reason: string; reply: string; subject?: EntrySubject },
): Promise<void> {
  ctx.log.info({ command: input.command, by: ctx.by, reason: input.reason }, 'command refused');
  // Recorded first: the refusal is evidence even if the reply cannot be posted.
  await recordCommand(ctx, { command: input.command, outcome: 'refused', reason: input.reason, subject: input.subject });
  await replyTo(ctx, input.reply);
}
