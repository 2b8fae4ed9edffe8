import type { Logger } from 'probot';
import type { DirectPushRecord, PushedCommit } from '../../audit/push-records.js';
import { resolvePolicyCached } from '../../config/policy-cache.js';
import { openDirectPushIssue } from '../../github/open-exception-issue.js';
import { listPushCommits, readAssociatedPullRequests, type ListedCommit, type ListedCommits } from '../../github/read-push.js';
import { readPolicyFiles } from '../../github/read-policy-files.js';
import type { RestClient } from '../../github/rest-client.js';
import { isControlledBranch } from '../../policy/is-controlled-branch.js';
import { judgePush } from '../../policy/judge-push.js';
import type { WorkResult } from '../../queue/worker.js';
import type { ReportedPush } from '../../store/work-request.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';

interface PushCheck {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  owner: string;
  repo: string;
  push: ReportedPush;
}

const NONE: ListedCommits = { commits: [], total: 0, incomplete: null };

/** A comparison GitHub refuses (404: no common history, 422: a commit it no longer has) is evidence that cannot be read, not an outage. */
async function compareOrIncomplete(check: PushCheck, base: string, head: string): Promise<ListedCommits> {
  const { octokit, owner, repo } = check;
  try {
    return await listPushCommits({ octokit, owner, repo, base, head });
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status !== 404 && status !== 422) throw error;
    return { commits: [], total: 0, incomplete: `GitHub cannot compare ${base.slice(0, 7)}...${head.slice(0, 7)} (${String(status)})` };
  }
}

/** What the push brought and, for a force-push, took away: GitHub's answers, never the payload's commit list. */
async function readPushedCommits(check: PushCheck, defaultBranch: string): Promise<{ added: ListedCommits; removed: ListedCommits }> {
  const { push } = check;
  if (push.deleted) return { added: NONE, removed: NONE };
  if (push.created) {
    // A new branch brings what its head has beyond the default branch; a new default branch has nothing to compare with.
    if (push.branch === defaultBranch)
      return {
        added: { ...NONE, incomplete: `the branch ${push.branch} was created: there is no earlier state to compare with` },
        removed: NONE,
      };
    return { added: await compareOrIncomplete(check, defaultBranch, push.after), removed: NONE };
  }
  const added = await compareOrIncomplete(check, push.before, push.after);
  const removed = push.forced ? await compareOrIncomplete(check, push.after, push.before) : NONE;
  return { added, removed };
}

function pushedCommit(commit: ListedCommit, pullRequest: number | null): PushedCommit {
  return { sha: commit.sha, author: commit.author, committer: commit.committer, headline: commit.headline, pullRequest };
}

/** Whether this push's exception is already recorded (a retry after the entry was written opens no second issue). */
async function alreadyRecorded(check: PushCheck): Promise<boolean> {
  const entries = await check.deps.audit.list({
    repo: `${check.owner}/${check.repo}`,
    kinds: ['exception'],
    newestFirst: true,
    limit: 200,
  });
  return entries.some((entry) => entry.deliveryId === check.push.deliveryId);
}

/**
 * One push to a branch (read → judge → record): reads the policy from the default branch; a branch it does not
 * control is skipped (an invalid policy controls every branch, as for PRs: fail closed). Reads back from GitHub the
 * commits the push brought (and those a force-push removed) and the PRs GitHub associates with them; a push whose
 * commits did not all come from merged PRs into the branch, a force-push, a deletion, or one whose commits could not
 * all be listed is a `direct-push` exception with an issue. GitHub failures are thrown: the queue retries the push.
 * GitHub calls: 1 GraphQL (policy) for any branch; for a controlled one 1 REST per 100 commits (twice for a
 * force-push) and 1 GraphQL per 100 commits; 1 REST write (the issue) for an exception.
 */
export async function checkPush(check: PushCheck): Promise<WorkResult> {
  const { deps, octokit, log, owner, repo, push } = check;
  const repoName = `${owner}/${repo}`;
  const files = await readPolicyFiles({ graphql: octokit.graphql, owner, repo });
  if (!files.found) return { kind: 'done', outcome: 'skipped' };
  const resolved = resolvePolicyCached(files);
  if (resolved.kind === 'none') return { kind: 'done', outcome: 'skipped' };
  const controlled =
    resolved.kind === 'invalid' ||
    isControlledBranch({ baseRef: push.branch, branches: resolved.config.branches, defaultBranch: files.defaultBranch });
  if (!controlled) return { kind: 'done', outcome: 'skipped' };
  if (await alreadyRecorded(check)) return { kind: 'done', outcome: 'skipped' };

  const { added, removed } = await readPushedCommits(check, files.defaultBranch);
  const associated = await readAssociatedPullRequests({ graphql: octokit.graphql, owner, repo, shas: added.commits.map((c) => c.sha) });
  const incomplete = [added.incomplete, removed.incomplete].filter((why): why is string => why !== null);
  const judgement = judgePush({
    branch: push.branch,
    forced: push.forced,
    deleted: push.deleted,
    commits: added.commits.map((c) => ({
      sha: c.sha,
      headline: c.headline,
      author: c.author.login ?? c.author.name ?? 'unknown',
      pullRequests: associated.get(c.sha) ?? [],
    })),
    totalCommits: added.total,
    incomplete: incomplete.length > 0 ? incomplete.join('; ') : null,
    removed: removed.total,
  });
  if (judgement.reasons.length === 0) return { kind: 'done', outcome: 'skipped' };

  const policy = `${resolved.source.repo}:${resolved.source.path}@${resolved.source.blobSha}`;
  const target = resolved.kind === 'ok' ? (resolved.config.audit.exceptions_repo ?? repoName) : repoName;
  log.warn({ repo: repoName, branch: push.branch, sender: push.sender, forced: push.forced }, 'direct push to a controlled branch');
  let issueUrl: string | null = null;
  try {
    issueUrl = await openDirectPushIssue({
      octokit,
      target,
      repo: repoName,
      branch: push.branch,
      after: push.after,
      sender: push.sender,
      pusher: push.pusher.name,
      forced: push.forced,
      reasons: judgement.reasons,
    });
  } catch (error) {
    log.error({ err: error, target }, 'direct-push issue could not be opened; the audit store records the exception');
  }
  const record: DirectPushRecord = {
    type: 'direct-push',
    branch: push.branch,
    before: push.before,
    after: push.after,
    forced: push.forced,
    created: push.created,
    deleted: push.deleted,
    sender: push.sender,
    pusher: push.pusher,
    commits: added.commits.map((c) => pushedCommit(c, judgement.pullRequestOf.get(c.sha) ?? null)),
    removed: removed.commits.map((c) => pushedCommit(c, null)),
    reasons: judgement.reasons,
    complete: incomplete.length === 0,
    totalCommits: push.deleted ? null : added.total,
    policy,
    issueUrl,
    recordedBy: push.recordedBy ?? 'webhook',
  };
  await recordEvidence(deps, {
    kind: 'exception',
    at: push.receivedAt,
    deliveryId: push.deliveryId,
    repo: repoName,
    prNumber: null,
    headSha: push.deleted ? null : push.after,
    data: record,
  });
  return { kind: 'done', outcome: 'published' };
}
