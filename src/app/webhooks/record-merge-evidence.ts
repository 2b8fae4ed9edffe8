import type { Logger } from 'probot';
import type { AuditEntry } from '../../audit/audit-entry.js';
import { mergeEvidenceOf } from '../../audit/current-merges.js';
import {
  isFinalEvidence,
  MergeGroupRecord,
  type ExceptionRecord,
  type MergeEvidence,
  type MergeRecord,
} from '../../audit/evidence-records.js';
import { openExceptionIssue } from '../../github/open-exception-issue.js';
import type { RestClient } from '../../github/rest-client.js';
import { UnreadableFactError } from '../../github/unreadable-fact-error.js';
import type { Verdict } from '../../policy/verdict.js';
import type { WorkResult } from '../../queue/worker.js';
import type { WorkRequest } from '../../store/work-request.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { assessPullRequest, type Assessment } from '../../evaluation/assess-pull-request.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';
import { refreshTrail } from '../../evaluation/record-verdict.js';
import { writeBackTickets } from '../../evaluation/write-back-tickets.js';
import { closeCreatedTicket, retryCloseCreatedTicket } from '../../evaluation/close-created-ticket.js';
import { renderWriteBack } from '../../tickets/render-write-back.js';
import { mergeEvidence, missingAtMerge } from './merge-evidence.js';

type MergeWork = Extract<WorkRequest, { kind: 'merge' }>;

interface MergeRun {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  request: MergeWork;
}

/** The exceptions that open an issue, and the exception entry's type for each. */
const ISSUE_EXCEPTIONS = ['bypass', 'evidence-incomplete'] as const;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The last verdict (or config error) the gate recorded on the merged head before the merge. */
async function gateOf(run: MergeRun, headSha: string): Promise<AuditEntry | undefined> {
  const { owner, repo, merge } = run.request;
  const recent = await run.deps.audit.list({
    repo: `${owner}/${repo}`,
    prNumber: merge.number,
    kinds: ['verdict', 'config-error'],
    newestFirst: true,
    limit: 100,
  });
  return recent.find((e) => e.headSha === headSha);
}

/**
 * The merge queue group whose commits hold the PR's merge commit, with the verdict the app published on it; null
 * when the merge did not come from a merge queue (or the app judged no group holding it).
 */
async function mergeGroupOf(run: MergeRun, mergeSha: string): Promise<MergeRecord['mergeGroup'] | null> {
  const { owner, repo, merge } = run.request;
  const groups = await run.deps.audit.list({ repo: `${owner}/${repo}`, kinds: ['merge-group'], newestFirst: true, limit: 200 });
  for (const entry of groups) {
    const group = MergeGroupRecord.safeParse(entry.data);
    if (!group.success || entry.headSha === null) continue;
    const holds = group.data.pulls.some((p) => p.number === merge.number);
    if (holds && (entry.headSha === mergeSha || group.data.commits.includes(mergeSha)))
      return { headSha: entry.headSha, headRef: group.data.headRef, state: group.data.state, seq: entry.seq };
  }
  return null;
}

/** What every merge record of this work shares: the claim's link and why it is recorded now. */
function provenance(request: MergeWork): Pick<MergeRecord, 'claimSeq' | 'recordedBy'> {
  return { claimSeq: request.claimSeq, recordedBy: request.recordedBy };
}

/**
 * The merge's facts can never be read (UnreadableFactError), or GitHub no longer shows the claimed merge: the
 * merge is recorded from the claim as `incomplete`, with an `evidence-incomplete` exception saying why. Never silence.
 * GitHub says the PR was not merged: recorded from the claim as `refuted`, with why, and nothing else.
 */
async function recordFromClaim(
  run: MergeRun,
  input: { evidence: Extract<MergeEvidence, 'incomplete' | 'refuted'>; why: string[] },
): Promise<WorkResult> {
  const { why } = input;
  const incomplete = input.evidence === 'incomplete';
  const { deps, request, log } = run;
  const { merge } = request;
  const gate = await gateOf(run, merge.headSha);
  const gateVerdict = gate?.data.verdict as Verdict | undefined;
  if (incomplete)
    log.error({ pr: `${request.owner}/${request.repo}#${merge.number}`, why }, 'merge evidence is incomplete: recorded as an exception');
  const record: MergeRecord = {
    pr: { number: merge.number, title: merge.title, url: merge.url, author: merge.author },
    baseRef: merge.baseRef,
    headSha: merge.headSha,
    mergeSha: merge.mergeSha,
    mergedBy: merge.mergedBy,
    mergedAt: merge.mergedAt,
    gate: gateVerdict ? { state: gateVerdict.state, description: gateVerdict.description, seq: gate?.seq ?? null } : null,
    atMerge: incomplete
      ? { state: 'error', description: `the merge's facts cannot be read from GitHub: ${why.join('; ')}` }
      : { state: 'refuted', description: why.join('; ') },
    ticket: null,
    approvers: [],
    checks: [],
    exceptions: incomplete ? ['evidence-incomplete'] : [],
    policy: null,
    evidence: input.evidence,
    ...provenance(request),
  };
  const entry = await recordEvidence(deps, {
    kind: 'merge',
    at: record.mergedAt,
    deliveryId: null,
    repo: `${request.owner}/${request.repo}`,
    prNumber: merge.number,
    headSha: merge.headSha,
    data: { ...record, missing: why },
  });
  if (entry) await followUp(run, { entry, record, missing: why, gateState: gateVerdict?.state ?? null, target: null });
  return { kind: 'done', outcome: 'published' };
}

/**
 * After the merge entry: the exception it calls for (with its issue), unless a retry finds it recorded already,
 * then the PR's trail comment. A failure to open the issue is logged: the exception entry still records it.
 */
async function followUp(
  run: MergeRun,
  input: { entry: AuditEntry; record: MergeRecord; missing: string[]; gateState: string | null; target: string | null },
): Promise<void> {
  const { deps, octokit, log, request } = run;
  const { entry, record } = input;
  const type = ISSUE_EXCEPTIONS.find((t) => record.exceptions.includes(t));
  if (type === undefined) return;
  const repoName = `${request.owner}/${request.repo}`;
  const exceptions = await deps.audit.list({ repo: repoName, prNumber: record.pr.number, kinds: ['exception'], afterSeq: entry.seq });
  if (exceptions.length > 0) return;
  const target = input.target ?? repoName;
  let issueUrl: string | null = null;
  try {
    issueUrl = await openExceptionIssue({
      octokit,
      target,
      type,
      pr: { repo: repoName, number: record.pr.number, title: record.pr.title, url: record.pr.url },
      mergedBy: record.mergedBy,
      mergeSha: record.mergeSha,
      missing: input.missing,
      auditSeq: entry.seq,
    });
  } catch (error) {
    log.error({ err: error, target }, 'exception issue could not be opened; the audit store records the exception');
  }
  const exception: ExceptionRecord = {
    type,
    mergeSha: record.mergeSha,
    mergedBy: record.mergedBy,
    missing: input.missing,
    gateState: input.gateState,
    issueUrl,
  };
  await recordEvidence(deps, {
    kind: 'exception',
    deliveryId: request.deliveryIds[0] ?? null,
    repo: repoName,
    prNumber: record.pr.number,
    headSha: record.headSha,
    data: exception,
  });
  await refreshTrail({ deps, octokit, log, owner: request.owner, repo: request.repo, number: record.pr.number });
}

/** The verified merge from GitHub's answer: the gate's last word on the merged head, and the verdict at merge time. */
async function recordVerified(run: MergeRun, assessment: Extract<Assessment, { kind: 'assessed' }>, mergeSha: string): Promise<WorkResult> {
  const { deps, log, request } = run;
  const repoName = `${request.owner}/${request.repo}`;
  const merge = assessment.read.merge;
  const read = assessment.read.facts;
  const gate = await gateOf(run, read.headSha);
  const gateVerdict = gate?.data.verdict as Verdict | undefined;
  const bypass = gateVerdict?.state !== 'success';
  const mergeGroup = await mergeGroupOf(run, mergeSha);
  const atMerge = assessment.verdict;
  const missing = bypass ? missingAtMerge(gate, atMerge) : [];
  const record: MergeRecord = {
    pr: { number: read.number, title: read.title, url: read.url, author: read.author.login },
    baseRef: read.baseRef,
    headSha: read.headSha,
    mergeSha,
    mergedBy: merge?.mergedBy ?? null,
    mergedAt: merge?.mergedAt ?? request.merge.mergedAt,
    gate: gateVerdict ? { state: gateVerdict.state, description: gateVerdict.description, seq: gate?.seq ?? null } : null,
    atMerge: { state: atMerge.state, description: atMerge.description },
    ...mergeEvidence(atMerge),
    // An emergency passed the gate: not a bypass, but still an exception to the controls (docs/emergency-changes.md).
    exceptions: [...(bypass ? ['bypass'] : []), ...(gateVerdict?.state === 'success' && gateVerdict.emergency ? ['emergency'] : [])],
    policy: atMerge.policy ? `${atMerge.policy.repo}:${atMerge.policy.path}@${atMerge.policy.blobSha}` : null,
    ...(mergeGroup ? { mergeGroup } : {}),
    evidence: 'verified',
    ...provenance(request),
  };
  const entry = await recordEvidence(deps, {
    kind: 'merge',
    at: record.mergedAt,
    deliveryId: null,
    repo: repoName,
    prNumber: read.number,
    headSha: read.headSha,
    data: { ...record, missing, verdictAtMerge: atMerge, facts: assessment.facts },
  });
  if (entry === null) return { kind: 'done', outcome: 'skipped' };
  await writeBackTickets({
    deps,
    log,
    config: assessment.config,
    verdict: atMerge,
    record,
    deliveryId: request.deliveryIds[0] ?? `merge:${repoName}#${read.number}`,
    repo: repoName,
  });
  // ticket.close_on: merge: the ticket the app created is closed with the merge's evidence; a failure is retried.
  const closing = assessment.config
    ? await closeCreatedTicket({
        deps,
        log,
        ticket: assessment.config.ticket,
        on: 'merge',
        repo: repoName,
        prNumber: read.number,
        headSha: read.headSha,
        lines: renderWriteBack(record),
      })
    : ({ kind: 'none' } as const);
  const target = assessment.config?.audit.exceptions_repo ?? null;
  await followUp(run, { entry, record, missing, gateState: gateVerdict?.state ?? null, target });
  if (closing.kind === 'failed') return { kind: 'retryable', reason: closing.reason };
  return { kind: 'done', outcome: 'published' };
}

/**
 * The queued `merge` work: reads the merged PR back from GitHub (read → gather → decide, nothing published) and
 * records the verified merge, linked to its `unverified` claim, with a `bypass` exception and issue when the gate's
 * last verdict on the merged head was not `success`. GitHub failing is retried through the queue until it answers;
 * facts it can never give are recorded as `evidence-incomplete`. A retry after the evidence was recorded finishes
 * only what is missing (the exception and its issue).
 */
export async function recordMergeEvidence(run: MergeRun): Promise<WorkResult> {
  const { deps, octokit, log, request } = run;
  const { owner, repo, merge } = request;
  const repoName = `${owner}/${repo}`;
  const recorded = await deps.audit.list({ repo: repoName, prNumber: merge.number, kinds: ['merge'] });
  const done = recorded.filter((entry) => isFinalEvidence(mergeEvidenceOf(entry))).at(-1);
  if (done) {
    // A redelivery, a sweep or a retry after a crash: the evidence is there; only a missing exception is added.
    await followUp(run, {
      entry: done,
      record: done.data as MergeRecord,
      missing: (done.data.missing as string[] | undefined) ?? [],
      gateState: (done.data as MergeRecord).gate?.state ?? null,
      target: null,
    });
    // A close that failed after the evidence was recorded is tried again (with what that attempt asked).
    const closing = await retryCloseCreatedTicket({ deps, log, repo: repoName, prNumber: merge.number, headSha: done.headSha });
    if (closing.kind === 'failed') return { kind: 'retryable', reason: closing.reason };
    return { kind: 'done', outcome: 'skipped' };
  }

  let assessment: Assessment;
  try {
    assessment = await assessPullRequest({ octokit, deps, owner, repo, number: merge.number, includeClosed: true });
  } catch (error) {
    if (error instanceof UnreadableFactError) return recordFromClaim(run, { evidence: 'incomplete', why: [error.message] });
    // GitHub failing (5xx, rate limit, network): the claim stands, the queue retries with backoff until it answers.
    return { kind: 'retryable', reason: `merge evidence of ${repoName}#${merge.number} could not be read: ${message(error)}` };
  }
  if (assessment.kind === 'skipped') {
    // Not under a policy: nothing to record, unless a claim was written, which is never left without an answer.
    if (request.claimSeq === null) return { kind: 'done', outcome: 'skipped' };
    return recordFromClaim(run, { evidence: 'incomplete', why: [`the claimed merge cannot be verified: ${assessment.reason}`] });
  }
  // The merge facts are GitHub's answer, never the payload's alone (docs/security.md).
  const answer = assessment.read.merge;
  if (answer === null) return { kind: 'retryable', reason: `GitHub did not say whether ${repoName}#${merge.number} was merged` };
  if (!answer.merged || answer.mergeSha === null) {
    log.error(
      { pr: `${repoName}#${merge.number}`, payloadMergeSha: merge.mergeSha },
      'a delivery says the PR was merged, GitHub says it was not',
    );
    if (request.claimSeq === null) return { kind: 'done', outcome: 'skipped' };
    // The claim is void: recorded as refuted (out of the population of merges), no exception, no issue.
    return recordFromClaim(run, { evidence: 'refuted', why: ['a delivery said the pull request was merged; GitHub says it was not'] });
  }
  return recordVerified(run, assessment, answer.mergeSha);
}
