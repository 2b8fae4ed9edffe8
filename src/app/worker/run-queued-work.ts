import type { Logger, Probot } from 'probot';
import { findOpenPullRequests } from '../../github/find-open-pull-requests.js';
import type { RestClient } from '../../github/rest-client.js';
import { verdicts } from '../../observability/metrics.js';
import type { ClaimedWork } from '../../store/queue-store.js';
import type { WorkResult } from '../../queue/worker.js';
import type { StatusWrite, WorkRequest } from '../../store/work-request.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { evaluatePullRequest, type EvaluationOutcome } from '../../evaluation/evaluate-pull-request.js';
import { evaluateMergeGroup } from '../../evaluation/evaluate-merge-group.js';
import { liveGroupAt, liveGroupsHolding, type LiveMergeGroup } from '../../evaluation/live-merge-groups.js';
import type { CommandContext } from '../commands/command-context.js';
import { answerRecheck } from '../commands/recheck-command.js';
import { refreshTrail } from '../../evaluation/record-verdict.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';
import { runQueuedCommand } from '../commands/run-queued-command.js';
import { recordDeploymentStatus } from '../deployments/record-deployment-status.js';
import { checkEnforcement } from '../enforcement/check-enforcement.js';
import { sweepInstallation } from '../enforcement/sweep-installation.js';
import { recordMergeEvidence } from '../webhooks/record-merge-evidence.js';
import { checkPush } from '../pushes/check-push.js';
import { reconcileRepository } from '../reconciliation/reconcile-repository.js';
import { sweepReconcileInstallation } from '../reconciliation/sweep-reconcile-installation.js';

type PullWork = Extract<WorkRequest, { kind: 'pull' }>;
type CommitWork = Extract<WorkRequest, { kind: 'commit' }>;
type MergeGroupWork = Extract<WorkRequest, { kind: 'merge-group' }>;

interface Run {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  work: ClaimedWork;
}

/** Writes of our status context by someone other than us (ours come back as events too, and mean nothing). */
async function othersWrites(deps: AppDeps, writes: StatusWrite[]): Promise<StatusWrite[]> {
  if (writes.length === 0) return [];
  const bot = await deps.botLogin();
  return writes.filter((write) => write.login !== bot);
}

/**
 * An event on a merge group's head the app judged (no PR has it as head; the group is found in the audit store, no
 * GitHub call). Someone else's write of our status is recorded and the group judged again with its status and
 * check run rewritten, as is a "Re-run" of our check run there (`force: all`); anything else (the group's CI
 * finishing) needs nothing, since `checks.required` is judged on the PRs' heads (docs/merge-queue.md).
 */
async function dispatchGroupHead(run: Run, request: CommitWork, writes: StatusWrite[], group: LiveMergeGroup): Promise<WorkResult> {
  const { owner, repo, sha, installationId } = request;
  for (const write of writes) {
    run.log.warn({ group: group.headRef, overwrittenBy: write.login }, 'our status on a merge group was overwritten');
    const data = { overwrittenBy: write.login, state: write.state, description: write.description };
    await recordEvidence(run.deps, {
      kind: 'status-overwritten',
      deliveryId: write.deliveryId,
      repo: `${owner}/${repo}`,
      prNumber: null,
      headSha: sha,
      data,
    });
  }
  if (writes.length === 0 && request.force !== 'all') return { kind: 'done', outcome: 'skipped' };
  const common = { installationId, owner, repo, deliveryIds: request.deliveryIds, statusWrites: [] };
  await run.deps.queue.enqueue([{ kind: 'merge-group', ...common, force: 'all', ...group }], Date.now());
  return { kind: 'done', outcome: 'dispatched' };
}

/** A commit's event named no PR: find the open PRs whose head it is and queue each (one REST call). */
async function dispatchCommit(run: Run, request: CommitWork): Promise<WorkResult> {
  const statusWrites = await othersWrites(run.deps, request.statusWrites);
  if (!request.evaluate && statusWrites.length === 0) return { kind: 'done', outcome: 'skipped' };
  const { owner, repo, sha } = request;
  const group = await liveGroupAt(run.deps, { repo: `${owner}/${repo}`, sha });
  if (group !== null) return dispatchGroupHead(run, request, statusWrites, group);
  const numbers = await findOpenPullRequests({ octokit: run.octokit, owner, repo, sha });
  const pulls: WorkRequest[] = numbers.map((number) => ({ ...request, kind: 'pull', number, headSha: sha, statusWrites }));
  await run.deps.queue.enqueue(pulls, Date.now());
  return { kind: 'done', outcome: numbers.length > 0 ? 'dispatched' : 'skipped' };
}

/** Records each overwrite of our status (idempotent per delivery) before the evaluation re-posts ours. */
async function recordOverwrites(run: Run, request: PullWork, writes: StatusWrite[]): Promise<void> {
  for (const write of writes) {
    run.log.warn({ pr: `${request.owner}/${request.repo}#${request.number}`, overwrittenBy: write.login }, 'our status was overwritten');
    await recordEvidence(run.deps, {
      kind: 'status-overwritten',
      deliveryId: write.deliveryId,
      repo: `${request.owner}/${request.repo}`,
      prNumber: request.number,
      headSha: request.headSha,
      data: { overwrittenBy: write.login, state: write.state, description: write.description },
    });
  }
}

/** Answers each `/change-control recheck` that asked for this evaluation (recheck-command.ts queued them). */
async function answerRechecks(run: Run, request: PullWork, outcome: EvaluationOutcome): Promise<void> {
  const { owner, repo, number, installationId } = request;
  for (const ask of request.rechecks ?? []) {
    const ctx: CommandContext = {
      deps: run.deps,
      octokit: run.octokit,
      log: run.log,
      deliveryId: ask.deliveryId,
      installationId,
      owner,
      repo,
      number,
      isPullRequest: true,
      by: ask.by,
      comment: ask.comment,
    };
    await answerRecheck(ctx, outcome);
  }
}

/**
 * The PR's verdict changed to something other than `success`: the merge groups that passed holding it are judged
 * again (queued, keyed by their head), so a ticket withdrawn or an approval dismissed while queued fails the group.
 */
async function rejudgeGroups(run: Run, request: PullWork, outcome: EvaluationOutcome): Promise<void> {
  if (outcome.kind !== 'published' || outcome.verdict.state === 'success' || !outcome.publish.wroteStatus) return;
  const { owner, repo, number, installationId } = request;
  const groups = await liveGroupsHolding(run.deps, { repo: `${owner}/${repo}`, number });
  if (groups.length === 0) return;
  // No delivery id: the audit store keeps one `merge-group` entry per delivery and repository, and one PR's change
  // may fail several groups.
  const common = { installationId, owner, repo, deliveryIds: [], force: 'none' as const, statusWrites: [] };
  await run.deps.queue.enqueue(
    groups.map((group) => ({ kind: 'merge-group', ...common, ...group })),
    Date.now(),
  );
  run.log.info({ pr: `${owner}/${repo}#${number}`, groups: groups.map((g) => g.headRef) }, 'merge groups holding the PR are judged again');
}

async function evaluatePull(run: Run, request: PullWork): Promise<WorkResult> {
  const { deps, octokit, log } = run;
  const { owner, repo, number } = request;
  const overwrites = await othersWrites(deps, request.statusWrites);
  await recordOverwrites(run, request, overwrites);
  const outcome = await evaluatePullRequest({
    octokit,
    log,
    deps,
    owner,
    repo,
    number,
    headSha: request.headSha,
    // A retry may decide differently from the first try of the same delivery: recorded without the id, which
    // would make the store drop it as a redelivery (the fingerprint still drops an unchanged verdict).
    deliveryId: run.work.attempts === 1 ? (request.deliveryIds.at(-1) ?? null) : null,
    force: overwrites.length > 0 && request.force === 'none' ? 'status' : request.force,
    installationId: request.installationId,
    // Someone asked for a recheck: a full re-read, not an answer from the policy or ticket caches.
    reread: (request.rechecks ?? []).length > 0,
  });
  // The trail comment shows the tampering now, not only at the next verdict change.
  if (overwrites.length > 0) await refreshTrail({ deps, octokit, log, owner, repo, number });
  await answerRechecks(run, request, outcome);
  await rejudgeGroups(run, request, outcome);
  if (outcome.kind === 'skipped') return { kind: 'done', outcome: 'skipped' };
  verdicts.inc({ state: outcome.verdict.state });
  return outcome.retryable === undefined ? { kind: 'done', outcome: 'published' } : { kind: 'retryable', reason: outcome.retryable };
}

/** A merge queue's group: one verdict on its head, from every PR it holds as each stands now. */
async function evaluateGroup(run: Run, request: MergeGroupWork): Promise<WorkResult> {
  const { owner, repo, headSha, headRef, baseSha, baseRef } = request;
  const outcome = await evaluateMergeGroup({
    octokit: run.octokit,
    log: run.log,
    deps: run.deps,
    group: { owner, repo, headSha, headRef, baseSha, baseRef },
    // As for a PR: a retry may decide differently, so it is recorded without the delivery id.
    deliveryId: run.work.attempts === 1 ? (request.deliveryIds.at(-1) ?? null) : null,
    force: request.force,
  });
  if (outcome.kind === 'skipped') return { kind: 'done', outcome: 'skipped' };
  verdicts.inc({ state: outcome.verdict.state });
  return outcome.retryable === null ? { kind: 'done', outcome: 'published' } : { kind: 'retryable', reason: outcome.retryable };
}

/**
 * Runs the first (oldest) item of a list that must be handled one at a time and in order; once it is done, queues
 * the rest on the same key, where it waits as the row's follow-up (with anything that arrived meanwhile). A failure
 * puts the whole list back for a retry, this item first: an item is never skipped, and none done is run again.
 */
async function firstThenRest<T>(input: {
  run: Run;
  items: T[];
  rest: (items: T[]) => WorkRequest;
  runItem: (item: T) => Promise<WorkResult>;
}): Promise<WorkResult> {
  const [first, ...rest] = input.items;
  if (first === undefined) return { kind: 'done', outcome: 'skipped' };
  const result = await input.runItem(first);
  if (result.kind === 'done' && rest.length > 0) await input.run.deps.queue.enqueue([input.rest(rest)], Date.now());
  return result;
}

/** What the worker runs for one claimed item, as the installation that sent its events. */
export function runQueuedWork(input: { deps: AppDeps; app: Probot }) {
  return async (work: ClaimedWork): Promise<WorkResult> => {
    const { request } = work;
    const octokit = await input.app.auth(request.installationId);
    const log = input.app.log.child({ work: work.key, deliveryIds: request.deliveryIds.slice(-5), attempt: work.attempts });
    const run: Run = { deps: input.deps, octokit, log, work };
    if (request.kind === 'installation-sweep') return sweepInstallation({ octokit, queue: input.deps.queue, request });
    if (request.kind === 'enforcement') {
      const { owner, repo, installationId, trigger } = request;
      return checkEnforcement({ deps: input.deps, octokit, log, owner, repo, installationId, trigger });
    }
    if (request.kind === 'merge') return recordMergeEvidence({ deps: input.deps, octokit, log, request });
    if (request.kind === 'reconcile-installation') return sweepReconcileInstallation({ octokit, queue: input.deps.queue, request });
    if (request.kind === 'reconcile') return reconcileRepository({ deps: input.deps, octokit, log, request });
    if (request.kind === 'command')
      return firstThenRest({
        run,
        items: request.asks,
        rest: (asks) => ({ ...request, asks, deliveryIds: asks.map((ask) => ask.deliveryId) }),
        runItem: (ask) => runQueuedCommand({ deps: input.deps, octokit, log, request, ask }),
      });
    if (request.kind === 'deployment-status') {
      const { owner, repo, environment } = request;
      return firstThenRest({
        run,
        items: request.statuses,
        rest: (statuses) => ({ ...request, statuses, deliveryIds: statuses.map((status) => status.deliveryId) }),
        runItem: (status) => recordDeploymentStatus({ deps: input.deps, octokit, log, owner, repo, environment, status }),
      });
    }
    if (request.kind === 'push') {
      const { owner, repo } = request;
      return firstThenRest({
        run,
        items: request.pushes,
        rest: (pushes) => ({ ...request, pushes, deliveryIds: pushes.map((push) => push.deliveryId) }),
        runItem: (push) => checkPush({ deps: input.deps, octokit, log, owner, repo, push }),
      });
    }
    if (request.kind === 'merge-group') return evaluateGroup(run, request);
    return request.kind === 'commit' ? dispatchCommit(run, request) : evaluatePull(run, request);
  };
}
