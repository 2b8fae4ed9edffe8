import type { Context } from 'probot';
import { mergeEvidenceOf } from '../../audit/current-merges.js';
import { isFinalEvidence, type MergeRecord } from '../../audit/evidence-records.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { unindexPullRequest } from '../../evaluation/index-ticket-keys.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';
import type { MergeClaim } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';
import { ClosedPullRequestPayload, parsePayload } from '../payloads.js';
import { installationOf } from './installation-of.js';

/**
 * The claim as a merge record: what the delivery (or a reconciliation sweep's listing) said, no verdict and no facts
 * (nothing was read back from GitHub yet).
 */
export function claimRecord(claim: MergeClaim, recordedBy: MergeRecord['recordedBy'] = 'webhook'): MergeRecord {
  return {
    pr: { number: claim.number, title: claim.title, url: claim.url, author: claim.author },
    baseRef: claim.baseRef,
    headSha: claim.headSha,
    mergeSha: claim.mergeSha,
    mergedBy: claim.mergedBy,
    mergedAt: claim.mergedAt,
    gate: null,
    atMerge: {
      state: 'unverified',
      description:
        recordedBy === 'reconciliation'
          ? 'recorded late by reconciliation: no pull_request.closed delivery was recorded; not yet read back from GitHub'
          : 'reported by the pull_request.closed delivery; not yet read back from GitHub',
    },
    ticket: null,
    approvers: [],
    checks: [],
    exceptions: [],
    policy: null,
    evidence: 'unverified',
    claimSeq: null,
    recordedBy,
  };
}

/**
 * The `unverified` claim, written at once from the delivery when the store knows the PR as gated (a verdict or
 * a policy error was recorded on it: its branch was under control), so a merge is on record even while GitHub
 * cannot be read. Returns its entry number; a redelivery finds the claim it wrote before, and a merge already
 * verified needs none. The audit chain and the queue are separate stores (the audit store group-commits its chain),
 * so the claim is written right before the work is queued: a crash between the two leaves a claim whose
 * work the redelivery queues.
 */
async function recordClaim(deps: AppDeps, input: { deliveryId: string; repo: string; claim: MergeClaim }): Promise<number | null> {
  const { repo, claim, deliveryId } = input;
  const merges = await deps.audit.list({ repo, prNumber: claim.number, kinds: ['merge'] });
  const earlier = merges.find((entry) => entry.deliveryId === deliveryId);
  if (earlier) return earlier.seq;
  if (merges.some((entry) => isFinalEvidence(mergeEvidenceOf(entry)))) return null;
  const gated = await deps.audit.list({ repo, prNumber: claim.number, kinds: ['verdict', 'config-error'], limit: 1 });
  if (gated.length === 0) return null;
  const entry = await recordEvidence(deps, {
    kind: 'merge',
    at: claim.mergedAt,
    deliveryId,
    repo,
    prNumber: claim.number,
    headSha: claim.headSha,
    data: claimRecord(claim),
  });
  return entry?.seq ?? null;
}

/**
 * A PR was closed: its ticket keys leave the index. Merged: the claim is recorded at once and the full evidence
 * queued (record-merge-evidence.ts reads it back from GitHub, retried until it answers). The payload decides
 * nothing: whether the gate was bypassed is GitHub's answer and the store's verdicts, read by the worker.
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

    const claim: MergeClaim = {
      number: pr.number,
      title: pr.title,
      url: pr.html_url,
      author: pr.user.login,
      baseRef: pr.base.ref,
      headSha: pr.head.sha,
      mergeSha: pr.merge_commit_sha,
      mergedBy: pr.merged_by?.login ?? null,
      mergedAt: pr.merged_at ?? deps.now().toISOString(),
    };
    const claimSeq = await recordClaim(deps, { deliveryId: context.id, repo: repoName, claim });
    await acceptWork({
      deps,
      delivery: context,
      requests: [
        {
          kind: 'merge',
          installationId: installationOf(context.name, context.payload),
          owner,
          repo,
          deliveryIds: [context.id],
          force: 'none',
          statusWrites: [],
          merge: claim,
          claimSeq,
          recordedBy: 'webhook',
        },
      ],
    });
  };
}
