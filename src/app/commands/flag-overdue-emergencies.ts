import type { Probot } from 'probot';
import { findRetroApproval, retroStatus } from '../../audit/emergency-status.js';
import { EmergencyRecord, type EmergencyOverdueRecord } from '../../audit/evidence-records.js';
import { postComment } from '../../github/post-comment.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';
import type { AuditEntry } from '../../audit/audit-entry.js';
import { UntrustedEvidenceError, verifyEvidence } from '../../audit/verify-evidence.js';

/** How often the app looks for overdue emergency changes. */
export const OVERDUE_SWEEP_INTERVAL_MS = 15 * 60_000;

/** The audit meta key that says an emergency's follow-up issue was flagged as overdue (value: when). */
export const flaggedKey = (seq: number): string => `emergency-flagged:${seq}`;

/**
 * The retrospective approvals that verify (verify-evidence.ts): a forged one must not stop its emergency from
 * being flagged. One that fails is left out and logged as an error with its sequence number and why.
 */
async function trustedApprovals(input: { deps: AppDeps; app: Pick<Probot, 'log'>; entries: AuditEntry[] }): Promise<AuditEntry[]> {
  const trusted: AuditEntry[] = [];
  for (const entry of input.entries) {
    try {
      await verifyEvidence({ store: input.deps.audit, signer: input.deps.auditSigner, entry });
      trusted.push(entry);
    } catch (error) {
      if (!(error instanceof UntrustedEvidenceError)) throw error;
      input.app.log.error(
        { seq: entry.seq, kind: entry.kind, reason: error.reason },
        'retrospective approval fails verification; not used',
      );
    }
  }
  return trusted;
}

/**
 * Flags, once each, the emergency changes whose retrospective approval is overdue at `now`: a comment on the
 * follow-up issue and an `emergency-overdue` audit entry. Each is tried on its own: one that fails (the issue
 * gone, GitHub down) is logged and tried again at the next sweep. Returns how many were flagged.
 */
export async function flagOverdueEmergencies(input: { deps: AppDeps; app: Pick<Probot, 'auth' | 'log'>; now: Date }): Promise<number> {
  const { deps, app, now } = input;
  const [emergencies, recorded] = await Promise.all([
    deps.audit.list({ kinds: ['emergency'] }),
    deps.audit.list({ kinds: ['retro-approval'] }),
  ]);
  const approvals = await trustedApprovals({ deps, app, entries: recorded });
  let flagged = 0;
  for (const entry of emergencies) {
    const parsed = EmergencyRecord.safeParse(entry.data);
    if (!parsed.success) continue;
    const record = parsed.data;
    const approval = findRetroApproval({ emergencySeq: entry.seq, approvals, now });
    if (retroStatus({ dueAt: record.dueAt, approval, now }) !== 'overdue') continue;
    if ((await deps.audit.getMeta(flaggedKey(entry.seq))) !== null) continue;
    const issue = record.followUpIssue;
    try {
      const octokit = await app.auth(record.installationId);
      const [owner, repo] = issue.repo.split('/') as [string, string];
      const comment = await postComment({
        octokit,
        owner,
        repo,
        number: issue.number,
        body: [
          `⚠️ **Overdue.** The retrospective approval of this emergency change was due by ${record.dueAt} and has not been given.`,
          '',
          `A member of ${record.reviewers.join(' or ')} (not the author, not the authoriser, not a contributor) reviews the change and comments \`/change-control approve-retro\`. Until then it is listed as \`emergency-overdue\` by \`change-control audit export --exceptions\`.`,
        ].join('\n'),
      });
      const overdue: EmergencyOverdueRecord = {
        emergencySeq: entry.seq,
        dueAt: record.dueAt,
        followUpIssue: issue,
        commentUrl: comment.url,
      };
      await recordEvidence(deps, {
        kind: 'emergency-overdue',
        at: now.toISOString(),
        deliveryId: null,
        repo: entry.repo,
        prNumber: entry.prNumber,
        headSha: entry.headSha,
        data: overdue,
      });
      await deps.audit.setMeta(flaggedKey(entry.seq), now.toISOString());
      flagged += 1;
    } catch (error) {
      app.log.warn(
        { err: error, emergencySeq: entry.seq, issue: `${issue.repo}#${issue.number}` },
        'overdue emergency not flagged; trying again at the next sweep',
      );
    }
  }
  return flagged;
}

/** Runs the sweep every 15 minutes; the timer does not keep the process alive. */
export function startOverdueSweep(input: { deps: AppDeps; app: Probot; intervalMs?: number }): NodeJS.Timeout {
  const { deps, app } = input;
  const timer = setInterval(() => {
    flagOverdueEmergencies({ deps, app, now: deps.now() }).catch((error: unknown) =>
      app.log.error({ err: error }, 'overdue emergency sweep failed'),
    );
  }, input.intervalMs ?? OVERDUE_SWEEP_INTERVAL_MS);
  timer.unref();
  return timer;
}
