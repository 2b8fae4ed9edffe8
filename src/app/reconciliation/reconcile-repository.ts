import type { Logger } from 'probot';
import { z } from 'zod';
import { mergeEvidenceOf } from '../../audit/current-merges.js';
import { DirectPushRecord } from '../../audit/push-records.js';
import { extendWatermark } from '../../audit/reconciliation-watermark.js';
import { resolvePolicyCached } from '../../config/policy-cache.js';
import { readPolicyFiles } from '../../github/read-policy-files.js';
import { readReconciliation, type ListedMerge } from '../../github/read-reconciliation.js';
import type { RestClient } from '../../github/rest-client.js';
import { findUnrecorded } from '../../policy/find-unrecorded.js';
import { isControlledBranch } from '../../policy/is-controlled-branch.js';
import type { WorkResult } from '../../queue/worker.js';
import type { ReportedPush, WorkRequest } from '../../store/work-request.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';
import { claimRecord } from '../webhooks/on-pull-request-closed.js';

type ReconcileWork = Extract<WorkRequest, { kind: 'reconcile' }>;

/** A sweep starts this long before the watermark: a commit or merge GitHub listed late (replication, clock skew) is not missed. */
export const RECONCILE_OVERLAP_MS = 3_600_000;
/** How far back the first sweep of a repository looks (further back: `change-control audit reconcile --since DATE`). */
export const FIRST_SWEEP_LOOKBACK_MS = 7 * 24 * 3_600_000;
/** The `before` GitHub gives a push that created its branch. */
const NO_COMMIT = '0'.repeat(40);

/** The field we use of GitHub's `short-branch`. */
const Branches = z.array(z.object({ name: z.string() }));

interface Reconcile {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  request: ReconcileWork;
}

/** The controlled branches that exist: literal names as they are, glob patterns against the branch list (1 REST read per 100 branches). */
async function controlledBranches(run: Reconcile, patterns: string[], defaultBranch: string): Promise<string[]> {
  const literal = patterns.filter((p) => !p.includes('*'));
  if (literal.length === patterns.length) return literal;
  const { owner, repo } = run.request;
  const names = Branches.parse(await run.octokit.paginate('GET /repos/{owner}/{repo}/branches', { owner, repo, per_page: 100 })).map(
    (b) => b.name,
  );
  return [
    ...new Set([...literal, ...names.filter((name) => isControlledBranch({ baseRef: name, branches: patterns, defaultBranch }))]),
  ].sort();
}

/** What the store holds for the window: the PRs with a merge entry (a refuted claim is none), and the commits it names. */
async function recorded(run: Reconcile, since: string): Promise<{ merges: Set<number>; shas: Set<string> }> {
  const repo = `${run.request.owner}/${run.request.repo}`;
  // Entries are timed by the merge (merges) or by when the push was checked (pushes), never before the commit: the
  // window's start, less the overlap, finds every one that can matter.
  const after = new Date(Date.parse(since) - RECONCILE_OVERLAP_MS).toISOString();
  const [merges, exceptions] = await Promise.all([
    run.deps.audit.list({ repo, kinds: ['merge'], since: after }),
    run.deps.audit.list({ repo, kinds: ['exception'], since: after }),
  ]);
  const numbers = new Set<number>();
  const shas = new Set<string>();
  for (const entry of merges) {
    if (entry.prNumber === null || mergeEvidenceOf(entry) === 'refuted') continue;
    numbers.add(entry.prNumber);
    if (typeof entry.data.mergeSha === 'string') shas.add(entry.data.mergeSha);
  }
  for (const entry of exceptions) {
    const push = DirectPushRecord.safeParse(entry.data);
    if (!push.success) continue;
    shas.add(push.data.after);
    for (const commit of push.data.commits) shas.add(commit.sha);
  }
  return { merges: numbers, shas };
}

/** The unverified claim of a merge the sweep found (so it is on record at once), then its evidence queued. */
async function queueMerge(run: Reconcile, merge: ListedMerge): Promise<WorkRequest> {
  const { owner, repo, installationId } = run.request;
  const entry = await recordEvidence(run.deps, {
    kind: 'merge',
    at: merge.mergedAt,
    // One claim per PR however often it is swept (the store drops a second append with the same delivery id).
    deliveryId: `reconcile:${owner}/${repo}#${merge.number}`,
    repo: `${owner}/${repo}`,
    prNumber: merge.number,
    headSha: merge.headSha,
    data: claimRecord(merge, 'reconciliation'),
  });
  return {
    kind: 'merge',
    installationId,
    owner,
    repo,
    deliveryIds: [],
    force: 'none',
    statusWrites: [],
    merge,
    claimSeq: entry?.seq ?? null,
    recordedBy: 'reconciliation',
  };
}

/**
 * One reconciliation of a repository (read → compare → queue → watermark): reads the policy from the default branch
 * for its controlled branches, lists on GitHub the PRs merged into them and their commits since the start (the
 * request's `since`, or the watermark less an hour's overlap, or a week back for a first sweep), and for what the store
 * lacks records an unverified merge claim and queues its evidence (`merge`, recorded late by reconciliation: the
 * verdict at merge time, a bypass exception with its issue), and queues commits no merge or recorded push accounts for
 * as a push to check (`push`: a direct-push exception when no merged PR brought them). The watermark then moves to
 * when the sweep started; a GitHub failure is thrown before it moves (the queue retries the sweep).
 * GitHub calls: 1 GraphQL (policy), 1 REST per 100 branches when a pattern has a glob, 1 GraphQL per 100 merged PRs or
 * 100 commits of a branch (whichever pages further; the two share requests).
 */
export async function reconcileRepository(run: Reconcile): Promise<WorkResult> {
  const { deps, octokit, log, request } = run;
  const { owner, repo } = request;
  const repoName = `${owner}/${repo}`;
  const startedAt = deps.now().toISOString();
  const files = await readPolicyFiles({ graphql: octokit.graphql, owner, repo });
  if (!files.found) return { kind: 'done', outcome: 'skipped' };
  const resolved = resolvePolicyCached(files);
  // No policy: nothing is under change control. An invalid one controls the default branch (and every PR, fail closed).
  if (resolved.kind === 'none') return { kind: 'done', outcome: 'skipped' };
  const patterns = resolved.kind === 'ok' ? (resolved.config.branches ?? [files.defaultBranch]) : [files.defaultBranch];
  const branches = await controlledBranches(run, patterns, files.defaultBranch);
  const [watermark = null] = await deps.audit.reconciliationWatermarks(repoName);
  const since =
    request.since ??
    new Date(watermark ? Date.parse(watermark.upTo) - RECONCILE_OVERLAP_MS : Date.parse(startedAt) - FIRST_SWEEP_LOOKBACK_MS).toISOString();
  const read = await readReconciliation({
    graphql: octokit.graphql,
    owner,
    repo,
    branches,
    since,
    isControlled: (baseRef) =>
      resolved.kind === 'invalid' || isControlledBranch({ baseRef, branches: patterns, defaultBranch: files.defaultBranch }),
  });
  const store = await recorded(run, since);
  const lacking = findUnrecorded({ merges: read.merges, commits: read.commits, recordedMerges: store.merges, recordedShas: store.shas });

  const work: WorkRequest[] = [];
  for (const merge of lacking.merges) work.push(await queueMerge(run, merge));
  for (const found of lacking.pushes) {
    const push: ReportedPush = {
      deliveryId: `reconcile:${repoName}:${found.branch}:${found.after}`,
      branch: found.branch,
      before: found.before ?? NO_COMMIT,
      after: found.after,
      created: found.before === null,
      deleted: false,
      forced: false,
      // GitHub's API does not say who pushed a commit: only the push delivery did, and it never arrived.
      sender: null,
      pusher: { name: 'unknown (no push delivery; found by reconciliation)', email: null },
      receivedAt: startedAt,
      recordedBy: 'reconciliation',
    };
    const common = { installationId: request.installationId, owner, repo, deliveryIds: [], force: 'none' as const, statusWrites: [] };
    work.push({ kind: 'push', ...common, branch: found.branch, pushes: [push] });
  }
  if (work.length > 0) await deps.queue.enqueue(work, Date.now());
  await deps.audit.setReconciliationWatermark(extendWatermark(watermark, { repo: repoName, since, upTo: startedAt }));
  log.info(
    {
      repo: repoName,
      since,
      branches,
      requests: read.requests + 1,
      merges: read.merges.length,
      commits: [...read.commits.values()].reduce((n, c) => n + c.length, 0),
      lateMerges: lacking.merges.map((m) => m.number),
      latePushes: lacking.pushes.map((p) => `${p.branch}@${p.after.slice(0, 7)}`),
    },
    'reconciliation sweep of the repository done',
  );
  return { kind: 'done', outcome: work.length > 0 ? 'dispatched' : 'skipped' };
}
