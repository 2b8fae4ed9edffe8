import type { AuditEntry } from '../../audit/audit-entry.js';
import { EmergencyRecord, RetroApprovalRecord } from '../../audit/evidence-records.js';
import { UntrustedEvidenceError, verifyEvidence } from '../../audit/verify-evidence.js';
import { closeIssue } from '../../github/close-issue.js';
import { readTeamMembers, TeamNotFoundError } from '../../github/read-team-members.js';
import { emergencyIssueKey } from './authorise-emergency.js';
import { refuseCommand, replyTo, type CommandContext, type EntrySubject } from './command-context.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';

/** The `emergency` entry a follow-up issue belongs to, or null when the issue is not one the app opened. */
async function emergencyOfIssue(ctx: CommandContext): Promise<{ entry: AuditEntry; record: EmergencyRecord } | null> {
  const seq = await ctx.deps.audit.getMeta(emergencyIssueKey(`${ctx.owner}/${ctx.repo}`, ctx.number));
  if (seq === null) return null;
  const [entry] = await ctx.deps.audit.list({ afterSeq: Number(seq) - 1, limit: 1 });
  const record = entry?.kind === 'emergency' && entry.seq === Number(seq) ? EmergencyRecord.safeParse(entry.data) : null;
  // The meta points at an entry that is not the emergency: the store is not what the app wrote.
  if (!entry || !record?.success)
    throw new Error(`audit entry ${seq}, recorded for follow-up issue ${ctx.owner}/${ctx.repo}#${ctx.number}, is not an emergency record`);
  return { entry, record: record.data };
}

/**
 * `/change-control approve-retro [note]` on an emergency's follow-up issue. A member of the reviewer teams
 * (`emergency.reviewers`, else `emergency.teams`, as recorded when it was authorised) who is not the PR's
 * author, not the authoriser and not a contributor records the retrospective approval; the issue is then
 * closed. Anyone else is refused with a reply saying who may.
 */
export async function approveRetro(ctx: CommandContext, note: string | null): Promise<void> {
  const { deps } = ctx;
  if (ctx.isPullRequest) {
    return refuseCommand(ctx, {
      command: 'approve-retro',
      reason: 'not a follow-up issue',
      reply:
        '`/change-control approve-retro` is given on the follow-up issue of the emergency change (linked from its check run), not on the pull request.',
    });
  }
  const found = await emergencyOfIssue(ctx);
  if (found === null) {
    return refuseCommand(ctx, {
      command: 'approve-retro',
      reason: 'not a follow-up issue',
      reply: 'this issue is not the follow-up issue of an emergency change, so there is nothing to approve here.',
    });
  }
  const { entry, record } = found;
  const subject: EntrySubject = { repo: entry.repo, prNumber: entry.prNumber, headSha: entry.headSha };
  const refuse = (why: string, reply: string) => refuseCommand(ctx, { command: 'approve-retro', reason: why, reply, subject });
  // The emergency's record says who may approve (reviewers, author, authoriser, contributors): it is checked before
  // it decides anything (docs/audit.md, evidence checked before it is acted on).
  const failed = await untrusted(ctx, entry);
  if (failed)
    return refuse(
      'the emergency record fails verification',
      `the emergency record of this change, audit entry #${failed.entry.seq}, fails verification (${failed.reason}), so no approval can be recorded against it. Run \`change-control audit verify\`.`,
    );

  const approvals = await deps.audit.list({
    repo: entry.repo,
    ...(entry.prNumber === null ? {} : { prNumber: entry.prNumber }),
    kinds: ['retro-approval'],
  });
  for (const approval of approvals) {
    const given = RetroApprovalRecord.safeParse(approval.data);
    if (!given.success || given.data.emergencySeq !== entry.seq) continue;
    // An approval that fails verification was not written by the app: it neither counts nor blocks a real one.
    const forged = await untrusted(ctx, approval);
    if (forged) {
      ctx.log.error({ seq: approval.seq, reason: forged.reason }, 'a recorded retrospective approval fails verification: ignored');
      continue;
    }
    // A redelivered comment: its approval is recorded already.
    if (given.data.comment.id === ctx.comment.id) return;
    return refuse(
      'already approved',
      `this emergency change was already approved retrospectively by @${given.data.by} at ${approval.at} (audit entry #${approval.seq}).`,
    );
  }

  const whoMay = `Only a member of ${record.reviewers.join(' or ')} who is not the author of the change (\`@${record.pr.author}\`), not the person who authorised it (\`@${record.by}\`) and not a contributor may approve it retrospectively.`;
  const login = ctx.by.toLowerCase();
  if (login === record.pr.author.toLowerCase())
    return refuse('the PR author', `you are the author of the change, so you cannot approve it. ${whoMay}`);
  if (login === record.by.toLowerCase())
    return refuse('the emergency authoriser', `you authorised the emergency, so you cannot also approve it. ${whoMay}`);
  if (record.contributors.some((c) => c.toLowerCase() === login))
    return refuse('a contributor', `you contributed to the change, so you cannot approve it. ${whoMay}`);
  let members: Record<string, string[]>;
  try {
    members = await readTeamMembers({ graphql: ctx.octokit.graphql, teams: record.reviewers });
  } catch (error) {
    if (!(error instanceof TeamNotFoundError)) throw error;
    return refuse(
      `team ${error.team} cannot be read`,
      `team ${error.team} (the emergency reviewers) does not exist or the app cannot see it (it needs the Members: read permission), so the approval cannot be recorded.`,
    );
  }
  if (!record.reviewers.some((team) => members[team]?.includes(login)))
    return refuse('not a reviewer', `you are not a member of ${record.reviewers.join(' or ')}. ${whoMay}`);

  const now = deps.now();
  const late = now.getTime() > Date.parse(record.dueAt);
  const approval: RetroApprovalRecord = {
    by: ctx.by,
    emergencySeq: entry.seq,
    emergencyBy: record.by,
    dueAt: record.dueAt,
    late,
    note,
    followUpIssue: record.followUpIssue,
    comment: ctx.comment,
  };
  const recorded = await recordEvidence(deps, {
    kind: 'retro-approval',
    at: now.toISOString(),
    deliveryId: ctx.deliveryId,
    ...subject,
    data: approval,
  });
  if (recorded === null) return;
  ctx.log.info(
    { pr: `${entry.repo}#${entry.prNumber}`, emergencySeq: entry.seq, by: ctx.by, late },
    'emergency change approved retrospectively',
  );
  const lateness = late ? `, after it was due (${record.dueAt})` : '';
  await replyTo(
    ctx,
    `approved the emergency change ${record.pr.repo}#${record.pr.number} (authorised by @${record.by}) retrospectively${lateness}: recorded as audit entry #${recorded.seq}. Closing this issue.`,
  );
  await closeIssue({ octokit: ctx.octokit, owner: ctx.owner, repo: ctx.repo, number: ctx.number });
}

/** The entry's verification failure, or null when it verifies. */
async function untrusted(ctx: CommandContext, entry: AuditEntry): Promise<UntrustedEvidenceError | null> {
  try {
    await verifyEvidence({ store: ctx.deps.audit, signer: ctx.deps.auditSigner, entry });
    return null;
  } catch (error) {
    if (error instanceof UntrustedEvidenceError) return error;
    throw error;
  }
}
