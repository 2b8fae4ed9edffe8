import type { Context } from 'probot';
import type { AuditEntry } from '../../audit/audit-entry.js';
import { MergeGroupRecord, type ExceptionRecord, type MergeRecord } from '../../audit/evidence-records.js';
import { openExceptionIssue } from '../../github/open-exception-issue.js';
import type { ApprovalResult, ChecksResult, SecurityResult, TicketResult, Verdict } from '../../policy/verdict.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { assessPullRequest, type Assessment } from '../../evaluation/assess-pull-request.js';
import { ClosedPullRequestPayload, parsePayload } from '../payloads.js';
import { refreshTrail } from '../../evaluation/record-verdict.js';
import { unindexPullRequest } from '../../evaluation/index-ticket-keys.js';
import { writeBackTickets } from '../../evaluation/write-back-tickets.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';

/** The evidence of the merge: approvals on the merged head, its checks and the ticket state at merge time. */
function mergeEvidence(verdict: Verdict): Pick<MergeRecord, 'ticket' | 'approvers' | 'checks' | 'security'> {
  if (verdict.state === 'error') return { ticket: null, approvers: [], checks: [], security: null };
  const ticket = verdict.controls.find((c): c is TicketResult => c.control === 'ticket');
  const approval = verdict.controls.find((c): c is ApprovalResult => c.control === 'approval');
  const checks = verdict.controls.find((c): c is ChecksResult => c.control === 'checks');
  const security = verdict.controls.find((c): c is SecurityResult => c.control === 'security');
  const lookup = ticket?.evidence.lookup;
  const approvers = lookup?.found ? (lookup.approval?.approvers ?? []) : [];
  const approver =
    approvers
      .map((a) => a.email ?? a.displayName ?? a.accountId)
      .filter((a): a is string => a !== null)
      .join(', ') || null;
  return {
    ticket: ticket?.evidence.key
      ? {
          key: lookup?.found ? lookup.key : ticket.evidence.key,
          status: lookup?.found ? lookup.status : null,
          url: lookup?.url ?? null,
          approver,
        }
      : null,
    approvers: approval?.evidence.counted ?? [],
    checks: (checks?.evidence.required ?? []).map((r) => ({ name: r.name, state: r.state, raw: r.result?.raw ?? null })),
    security: security
      ? {
          codeScanning: security.evidence.codeScanning?.analysed ? security.evidence.codeScanning.counts : null,
          dependencies: security.evidence.dependencies?.counts ?? null,
        }
      : null,
  };
}

/** What the merged change lacked: the gate's last word and each control that did not pass at merge time. */
function missingAtMerge(gate: AuditEntry | undefined, atMerge: Verdict): string[] {
  const missing = gate
    ? [
        `the last verdict on the merged head was ${String((gate.data.verdict as Verdict).state)}: ${(gate.data.verdict as Verdict).description}`,
      ]
    : ['no change-control verdict was recorded for the merged head'];
  if (atMerge.state === 'error') return [...missing, `at merge: ${atMerge.errors.join('; ')}`];
  for (const c of atMerge.controls) if (c.outcome !== 'success') missing.push(`${c.control}: ${c.summary}`);
  return missing;
}

/**
 * The merge queue group whose commits hold the PR's merge commit, with the verdict the app published on it; null
 * when the merge did not come from a merge queue (or the app judged no group holding it).
 */
async function mergeGroupOf(input: {
  deps: AppDeps;
  repo: string;
  number: number;
  mergeSha: string;
}): Promise<MergeRecord['mergeGroup'] | null> {
  const groups = await input.deps.audit.list({ repo: input.repo, kinds: ['merge-group'], newestFirst: true, limit: 200 });
  for (const entry of groups) {
    const group = MergeGroupRecord.safeParse(entry.data);
    if (!group.success || entry.headSha === null) continue;
    const holds = group.data.pulls.some((p) => p.number === input.number);
    if (holds && (entry.headSha === input.mergeSha || group.data.commits.includes(input.mergeSha)))
      return { headSha: entry.headSha, headRef: group.data.headRef, state: group.data.state, seq: entry.seq };
  }
  return null;
}

/**
 * A PR was merged: record the final evidence; if its last verdict on the merged head was not `success`
 * (an admin bypassed branch protection), record an exception and open an issue about it.
 */
export function onPullRequestClosed(deps: AppDeps) {
  return async (context: Context<'pull_request.closed'>): Promise<void> => {
    const p = parsePayload(ClosedPullRequestPayload, 'pull_request', context.payload);
    const pr = p.pull_request;
    const owner = p.repository.owner.login;
    const repo = p.repository.name;
    const repoName = `${owner}/${repo}`;
    await unindexPullRequest({ deps, log: context.log, repo: repoName, number: pr.number });
    if (!pr.merged) return;

    let assessment: Assessment;
    try {
      assessment = await assessPullRequest({ octokit: context.octokit, deps, owner, repo, number: pr.number, includeClosed: true });
    } catch (error) {
      // Without the facts we cannot tell whether the PR was under control; the delivery fails so it can be redelivered.
      context.log.error({ err: error, pr: `${repoName}#${pr.number}` }, 'merge evidence could not be read');
      throw error;
    }
    if (assessment.kind === 'skipped') return;
    // The merge facts are GitHub's answer, never the payload's alone (docs/security.md).
    const merge = assessment.read.merge;
    if (merge === null)
      throw new Error(`GitHub did not say whether ${repoName}#${pr.number} was merged; the merge evidence is not recorded`);
    if (!merge.merged || merge.mergeSha === null) {
      context.log.error(
        { pr: `${repoName}#${pr.number}`, payloadMergeSha: pr.merge_commit_sha },
        'a delivery says the PR was merged, GitHub says it was not: nothing recorded',
      );
      return;
    }
    const read = assessment.read.facts;
    const headSha = read.headSha;

    const recent = await deps.audit.list({
      repo: repoName,
      prNumber: pr.number,
      kinds: ['verdict', 'config-error'],
      newestFirst: true,
      limit: 100,
    });
    const gate = recent.find((e) => e.headSha === headSha);
    const gateVerdict = gate?.data.verdict as Verdict | undefined;
    const bypass = gateVerdict?.state !== 'success';
    const mergeGroup = await mergeGroupOf({ deps, repo: repoName, number: pr.number, mergeSha: merge.mergeSha });
    const atMerge = assessment.verdict;
    const missing = bypass ? missingAtMerge(gate, atMerge) : [];
    const record: MergeRecord = {
      pr: { number: pr.number, title: read.title, url: read.url, author: read.author.login },
      baseRef: read.baseRef,
      headSha,
      mergeSha: merge.mergeSha,
      mergedBy: merge.mergedBy,
      mergedAt: merge.mergedAt ?? deps.now().toISOString(),
      gate: gateVerdict ? { state: gateVerdict.state, description: gateVerdict.description, seq: gate?.seq ?? null } : null,
      atMerge: { state: atMerge.state, description: atMerge.description },
      ...mergeEvidence(atMerge),
      // An emergency passed the gate: not a bypass, but still an exception to the controls (docs/emergency-changes.md).
      exceptions: [...(bypass ? ['bypass'] : []), ...(gateVerdict?.state === 'success' && gateVerdict.emergency ? ['emergency'] : [])],
      policy: atMerge.policy ? `${atMerge.policy.repo}:${atMerge.policy.path}@${atMerge.policy.blobSha}` : null,
      ...(mergeGroup ? { mergeGroup } : {}),
    };
    const merged = await recordEvidence(deps, {
      kind: 'merge',
      at: record.mergedAt,
      deliveryId: context.id,
      repo: repoName,
      prNumber: pr.number,
      headSha,
      data: { ...record, verdictAtMerge: atMerge, facts: assessment.facts },
    });
    // A redelivery of the merge event finds the record already there: write-back and the exception were handled then.
    if (merged !== null) {
      await writeBackTickets({
        deps,
        log: context.log,
        config: assessment.config,
        verdict: atMerge,
        record,
        deliveryId: context.id,
        repo: repoName,
      });
    }
    if (!bypass || merged === null) return;

    const target = assessment.config?.audit.exceptions_repo ?? repoName;
    let issueUrl: string | null = null;
    try {
      issueUrl = await openExceptionIssue({
        octokit: context.octokit,
        target,
        pr: { repo: repoName, number: pr.number, title: read.title, url: read.url },
        mergedBy: record.mergedBy,
        mergeSha: record.mergeSha,
        missing,
        auditSeq: merged.seq,
      });
    } catch (error) {
      context.log.error({ err: error, target }, 'exception issue could not be opened; the audit store records the exception');
    }
    const exception: ExceptionRecord = {
      type: 'bypass',
      mergeSha: record.mergeSha,
      mergedBy: record.mergedBy,
      missing,
      gateState: gateVerdict?.state ?? null,
      issueUrl,
    };
    await recordEvidence(deps, {
      kind: 'exception',
      deliveryId: context.id,
      repo: repoName,
      prNumber: pr.number,
      headSha,
      data: exception,
    });
    await refreshTrail({ deps, octokit: context.octokit, log: context.log, owner, repo, number: pr.number });
  };
}
