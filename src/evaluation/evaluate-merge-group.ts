import type { Logger } from 'probot';
import type { MergeGroupRecord } from '../audit/evidence-records.js';
import { branchOf, findMergeGroupPulls, type MergeGroupRef } from '../github/find-merge-group-pulls.js';
import { publishGroupVerdict, type GroupPublishResult } from '../github/publish-group-verdict.js';
import type { RestClient } from '../github/rest-client.js';
import { decideMergeGroup, type GroupMember, type MergeGroupVerdict } from '../policy/decide-merge-group.js';
import type { AppDeps } from './app-deps.js';
import { assessPullRequest } from './assess-pull-request.js';
import { recordEvidence } from './record-evidence.js';

export type MergeGroupOutcome =
  /** The group's PRs go into a branch no policy controls: nothing is published. */
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'published';
      verdict: MergeGroupVerdict;
      /** Null when the same verdict was already published on the group's head (nothing written). */
      publish: GroupPublishResult | null;
      /** A PR could not be judged for a reason that may clear by itself (GitHub or the ticket provider failing). */
      retryable: string | null;
    };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Each PR as it stands now (read → gather → decide, no publishing), in queue order. */
async function assessMembers(input: {
  octokit: RestClient;
  deps: AppDeps;
  group: MergeGroupRef;
  numbers: number[];
}): Promise<{ members: GroupMember[]; uncontrolled: string | null; retryable: string | null }> {
  const { octokit, deps, group } = input;
  const members: GroupMember[] = [];
  let retryable: string | null = null;
  let uncontrolled: string | null = null;
  let uncontrolledCount = 0;
  for (const number of input.numbers) {
    try {
      // The ticket provider is asked again: a ticket withdrawn since the PR's last evaluation must fail the group.
      const assessment = await assessPullRequest({ octokit, deps, owner: group.owner, repo: group.repo, number, rereadTickets: true });
      if (assessment.kind === 'skipped') {
        if (assessment.uncontrolled) [uncontrolled, uncontrolledCount] = [assessment.reason, uncontrolledCount + 1];
        members.push({ number, kind: 'unreadable', reason: `#${number} was not judged: ${assessment.reason}` });
        continue;
      }
      members.push({ number, kind: 'assessed', verdict: assessment.verdict });
      retryable ??= assessment.retryable;
    } catch (error) {
      const reason = `GitHub could not be read for #${number}: ${message(error)}`;
      members.push({ number, kind: 'unreadable', reason });
      retryable ??= reason;
    }
  }
  // Every PR of a group goes into the same branch: all uncontrolled, the group is not ours to judge.
  const allUncontrolled = uncontrolledCount > 0 && uncontrolledCount === members.length;
  return { members, uncontrolled: allUncontrolled ? uncontrolled : null, retryable };
}

/** The verdict last recorded for this group head, to write only when it changed. */
async function lastRecorded(deps: AppDeps, repo: string, headSha: string): Promise<MergeGroupRecord | null> {
  const recent = await deps.audit.list({ repo, kinds: ['merge-group'], newestFirst: true, limit: 100 });
  const entry = recent.find((e) => e.headSha === headSha);
  return entry ? (entry.data as MergeGroupRecord) : null;
}

/**
 * A merge queue asked for checks on a group's head: find the PRs the group holds (read back from GitHub), judge
 * each as it stands now, and publish one verdict on the group's head commit: `success` only when every PR passes,
 * `failure` naming the PR and the control, `error` when the PRs could not be found or read (fail closed). The
 * status and check run are written only when the verdict differs from the one recorded for this head (or `force`),
 * and the verdict is recorded as a `merge-group` audit entry with each PR's verdict. Run by the queue worker.
 */
export async function evaluateMergeGroup(input: {
  octokit: RestClient;
  log: Logger;
  deps: AppDeps;
  group: MergeGroupRef;
  deliveryId: string | null;
  force: 'none' | 'status' | 'all';
}): Promise<MergeGroupOutcome> {
  const { octokit, log, deps, group } = input;
  const repoName = `${group.owner}/${group.repo}`;
  let commits: string[] = [];
  let verdict: MergeGroupVerdict;
  let retryable: string | null = null;
  try {
    const found = await findMergeGroupPulls({ octokit, group });
    commits = found.commits;
    const assessed = await assessMembers({ octokit, deps, group, numbers: found.problems.length > 0 ? [] : found.numbers });
    if (assessed.uncontrolled !== null && found.problems.length === 0) {
      log.info({ group: group.headRef, reason: assessed.uncontrolled }, 'merge group not judged');
      return { kind: 'skipped', reason: assessed.uncontrolled };
    }
    verdict = decideMergeGroup({ members: assessed.members, problems: found.problems });
    retryable = assessed.retryable;
  } catch (error) {
    log.error({ err: error, group: group.headRef }, 'reading the merge group failed');
    retryable = `GitHub could not be read: ${message(error)}`;
    verdict = decideMergeGroup({ members: [], problems: [retryable] });
  }

  const last = await lastRecorded(deps, repoName, group.headSha);
  const unchanged = input.force === 'none' && last !== null && last.state === verdict.state && last.description === verdict.description;
  if (unchanged) return { kind: 'published', verdict, publish: null, retryable };
  const publish = await publishGroupVerdict({
    octokit,
    owner: group.owner,
    repo: group.repo,
    headSha: group.headSha,
    verdict,
    now: deps.now(),
  });
  const record: MergeGroupRecord = {
    headRef: group.headRef,
    baseRef: branchOf(group.baseRef),
    baseSha: group.baseSha,
    commits,
    pulls: verdict.members,
    state: verdict.state,
    description: verdict.description,
    problems: verdict.problems,
    published: publish,
  };
  await recordEvidence(deps, {
    kind: 'merge-group',
    deliveryId: input.deliveryId,
    repo: repoName,
    prNumber: null,
    headSha: group.headSha,
    data: record,
  });
  log.info(
    { group: group.headRef, headSha: group.headSha, state: verdict.state, pulls: verdict.members.map((m) => m.number) },
    'merge group judged',
  );
  return { kind: 'published', verdict, publish, retryable };
}
