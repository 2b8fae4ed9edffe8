import { createSecurity } from './security-model.js';
import { diffTrees, mergeBase } from './git-graph.js';
import {
  commitOid,
  headOid,
  nextId,
  nextNumber,
  repoKey,
  tick,
  type CheckRunConclusion,
  type CollaboratorRole,
  type CheckRunStatus,
  type GitHubData,
  type GitIdentity,
  type PullRequestState,
  type ReviewState,
  type SimActor,
  type SimCheckRun,
  type SimComment,
  type SimCommit,
  type SimPullRequest,
  type SimRepository,
  type SimStatus,
  type StatusState,
} from './model.js';

/** GitHub Actions' app id on github.com: the default app of check runs that tests add as CI results. */
export const ACTIONS_APP = { id: 15368, slug: 'github-actions', name: 'GitHub Actions', owner: 'github' } as const;

/** The committer GitHub puts on commits made in its web UI. */
const WEB_FLOW: GitIdentity = { name: 'GitHub', email: 'noreply@github.com', login: 'web-flow' };

/** A git identity: a login (resolved to that user, with a noreply email) or the full identity. `login: null` is an email GitHub cannot tie to a user. */
export type IdentityInput = string | { name?: string; email?: string; login: string | null };

export interface CommitInput {
  /** Default: the PR author. */
  author?: IdentityInput;
  /** Become `Co-authored-by:` trailers and the further `authors` of the commit, as GitHub resolves them. */
  coAuthors?: IdentityInput[];
  /** Default: the author, or GitHub's web-flow identity when `committedViaWeb`. */
  committer?: IdentityInput;
  committedViaWeb?: boolean;
  message?: string;
  /** 2 makes a merge commit; its second parent is the base branch head. */
  parentCount?: 1 | 2;
  /** Files this commit changes (null deletes). They are visible only on this commit, never on the default branch. */
  files?: Record<string, string | null>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRef extends RepoRef {
  number: number;
}

export function toIdentity(input: IdentityInput): GitIdentity {
  if (typeof input === 'string') return { name: input, email: `${input}@users.noreply.github.com`, login: input };
  const fallback = input.login ?? 'unknown';
  return { name: input.name ?? fallback, email: input.email ?? `${fallback}@example.invalid`, login: input.login };
}

export function toActor(login: string, bot = false): SimActor {
  return { login, type: bot ? 'Bot' : 'User' };
}

export function findRepo(data: GitHubData, ref: RepoRef): SimRepository {
  const repo = data.repos.get(repoKey(ref.owner, ref.repo));
  if (!repo) throw new Error(`simulator: no repository ${ref.owner}/${ref.repo}`);
  return repo;
}

export function findPull(data: GitHubData, ref: PullRef): { repo: SimRepository; pr: SimPullRequest } {
  const repo = findRepo(data, ref);
  const pr = repo.pulls.get(ref.number);
  if (!pr) throw new Error(`simulator: no pull request ${ref.owner}/${ref.repo}#${ref.number}`);
  return { repo, pr };
}

export function findCommit(repo: SimRepository, oid: string): SimCommit {
  const commit = repo.commits.get(oid);
  if (!commit) throw new Error(`simulator: no commit ${oid} in ${repo.owner}/${repo.name}`);
  return commit;
}

export function addRepository(
  data: GitHubData,
  input: RepoRef & { defaultBranch?: string; files?: Record<string, string>; installationId?: number; private?: boolean },
): SimRepository {
  const defaultBranch = input.defaultBranch ?? 'main';
  const repo: SimRepository = {
    id: nextId(data),
    owner: input.owner,
    name: input.repo,
    private: input.private ?? true,
    installationId: input.installationId ?? 1,
    defaultBranch,
    branches: new Map(),
    commits: new Map(),
    pulls: new Map(),
    checkRuns: [],
    statuses: [],
    comments: [],
    issues: [],
    collaborators: new Map(),
    deployments: [],
    deploymentGates: [],
    rulesets: [],
    protection: new Map(),
    teamAccess: new Map(),
    security: createSecurity(),
  };
  data.repos.set(repoKey(input.owner, input.repo), repo);
  const initial = makeCommit(data, {
    parents: [],
    tree: new Map(Object.entries(input.files ?? {})),
    input: { author: input.owner, message: 'Initial commit' },
  });
  repo.commits.set(initial.oid, initial);
  repo.branches.set(defaultBranch, initial.oid);
  return repo;
}

/** Commits a change of one file (null deletes it) to the default branch; returns the new branch head. */
export function setDefaultBranchFile(data: GitHubData, input: RepoRef & { path: string; text: string | null }): string {
  const repo = findRepo(data, input);
  const parent = findCommit(repo, repo.branches.get(repo.defaultBranch) ?? '');
  const commit = makeCommit(data, {
    parents: [parent.oid],
    tree: applyFiles(parent.tree, { [input.path]: input.text }),
    input: { author: repo.owner, message: `Update ${input.path}` },
  });
  repo.commits.set(commit.oid, commit);
  repo.branches.set(repo.defaultBranch, commit.oid);
  return commit.oid;
}

export function openPullRequest(
  data: GitHubData,
  input: RepoRef & {
    number?: number;
    title: string;
    body?: string;
    author: string;
    authorIsBot?: boolean;
    baseRef?: string;
    headRef: string;
    draft?: boolean;
    /** Default: one commit by the author. */
    commits?: CommitInput[];
  },
): SimPullRequest {
  const repo = findRepo(data, input);
  const number = input.number ?? nextNumber(repo);
  if (repo.pulls.has(number)) throw new Error(`simulator: #${number} exists in ${input.owner}/${input.repo}`);
  const at = tick(data);
  const pr: SimPullRequest = {
    id: nextId(data),
    number,
    title: input.title,
    body: input.body ?? '',
    author: toActor(input.author, input.authorIsBot),
    baseRef: input.baseRef ?? repo.defaultBranch,
    headRef: input.headRef,
    state: 'OPEN',
    draft: input.draft ?? false,
    commits: [],
    reviews: [],
    createdAt: at,
    updatedAt: at,
    merge: null,
  };
  repo.pulls.set(number, pr);
  for (const commit of input.commits ?? [{}]) pushCommit(data, { owner: input.owner, repo: input.repo, number, ...commit });
  return pr;
}

/** Pushes a commit onto the PR's head branch; returns the new head SHA. */
export function pushCommit(data: GitHubData, input: PullRef & CommitInput): string {
  const { repo, pr } = findPull(data, input);
  const baseHead = findCommit(repo, repo.branches.get(pr.baseRef) ?? repo.branches.get(repo.defaultBranch) ?? '');
  const parent = pr.commits.length > 0 ? findCommit(repo, headOid(pr)) : baseHead;
  const parents = input.parentCount === 2 ? [parent.oid, baseHead.oid] : [parent.oid];
  const commit = makeCommit(data, {
    parents,
    tree: applyFiles(parent.tree, input.files ?? {}),
    input: { author: pr.author.login, ...input, message: input.message ?? `Change ${pr.commits.length + 1} of #${pr.number}` },
  });
  repo.commits.set(commit.oid, commit);
  pr.commits.push(commit.oid);
  repo.branches.set(pr.headRef, commit.oid);
  pr.updatedAt = commit.committedDate;
  return commit.oid;
}

export function addReview(
  data: GitHubData,
  input: PullRef & { reviewer: string; state?: ReviewState; commitSha?: string; bot?: boolean; /** Default true. */ canPush?: boolean },
): void {
  const { pr } = findPull(data, input);
  pr.reviews.push({
    id: nextId(data),
    author: toActor(input.reviewer, input.bot),
    authorCanPush: input.canPush ?? true,
    state: input.state ?? 'APPROVED',
    commitOid: input.commitSha ?? headOid(pr),
    submittedAt: tick(data),
  });
}

/** GitHub's own rule: dismissing turns the reviewer's approval into a DISMISSED review. */
export function dismissReviews(data: GitHubData, input: PullRef & { reviewer: string }): void {
  const { pr } = findPull(data, input);
  for (const review of pr.reviews) {
    if (review.author.login.toLowerCase() === input.reviewer.toLowerCase() && review.state === 'APPROVED') review.state = 'DISMISSED';
  }
}

export function setPullRequest(data: GitHubData, input: PullRef & { title?: string; body?: string; state?: PullRequestState }): void {
  const { pr } = findPull(data, input);
  Object.assign(pr, {
    ...(input.title === undefined ? {} : { title: input.title }),
    ...(input.body === undefined ? {} : { body: input.body }),
    ...(input.state === undefined ? {} : { state: input.state }),
    updatedAt: tick(data),
  });
}

/**
 * Merges the base branch into the PR head ("Update branch"): a commit whose parents are the PR head and the base
 * head, holding the base branch's changes since the fork point, plus `extraFiles` (an edit slipped into the merge).
 */
export function mergeBaseIntoPullRequest(
  data: GitHubData,
  input: PullRef & { author: IdentityInput; committedViaWeb?: boolean; extraFiles?: Record<string, string | null> },
): string {
  const { repo, pr } = findPull(data, input);
  const head = findCommit(repo, headOid(pr));
  const baseHead = findCommit(repo, repo.branches.get(pr.baseRef) ?? '');
  const fork = findCommit(repo, mergeBase(repo, head.oid, baseHead.oid) ?? baseHead.oid);
  const baseChanges: Record<string, string | null> = {};
  for (const diff of diffTrees(fork.tree, baseHead.tree)) {
    baseChanges[diff.filename] = baseHead.tree.get(diff.filename) ?? null;
    if (diff.previousFilename !== null) baseChanges[diff.previousFilename] = null;
  }
  const commit = makeCommit(data, {
    parents: [head.oid, baseHead.oid],
    tree: applyFiles(applyFiles(head.tree, baseChanges), input.extraFiles ?? {}),
    input: { author: input.author, committedViaWeb: input.committedViaWeb, message: `Merge branch '${pr.baseRef}' into ${pr.headRef}` },
  });
  repo.commits.set(commit.oid, commit);
  pr.commits.push(commit.oid);
  repo.branches.set(pr.headRef, commit.oid);
  pr.updatedAt = commit.committedDate;
  return commit.oid;
}

/**
 * Rebases the PR onto the base branch head and force-pushes it, as `git rebase` and `git push --force` do: new
 * commits (committed by `committer`, authors kept) replace the PR's, whose old commits GitHub still knows (the
 * reviews stay on them). Without `commits`, each commit's changes (merge commits dropped) are replayed whole-file; a file the base
 * branch also changed is a conflict the test resolves by giving the rebased `commits` (their files) itself.
 * Returns the new head SHA.
 */
export function rebasePullRequest(data: GitHubData, input: PullRef & { committer: IdentityInput; commits?: CommitInput[] }): string {
  const { repo, pr } = findPull(data, input);
  const baseHead = findCommit(repo, repo.branches.get(pr.baseRef) ?? '');
  const fork = findCommit(repo, mergeBase(repo, headOid(pr), baseHead.oid) ?? baseHead.oid);
  const baseChanged = new Set(diffTrees(fork.tree, baseHead.tree).flatMap((d) => [d.filename, d.previousFilename ?? d.filename]));
  const replayed =
    input.commits ??
    pr.commits
      .map((oid) => findCommit(repo, oid))
      // As git rebase does, merge commits are dropped: what they brought in is on the new base already.
      .filter((commit) => commit.parents.length === 1)
      .map((commit) => replayedChanges(repo, commit, baseChanged));
  let parent = baseHead;
  const commits: string[] = [];
  for (const commit of replayed) {
    const next = makeCommit(data, {
      parents: [parent.oid],
      tree: applyFiles(parent.tree, commit.files ?? {}),
      input: {
        author: pr.author.login,
        ...commit,
        committer: input.committer,
        message: commit.message ?? `Change ${commits.length + 1} of #${pr.number}`,
      },
    });
    repo.commits.set(next.oid, next);
    commits.push(next.oid);
    parent = next;
  }
  pr.commits = commits;
  repo.branches.set(pr.headRef, parent.oid);
  pr.updatedAt = parent.committedDate;
  return parent.oid;
}

/** What one commit changed, to apply on another parent; its author kept. Throws on a file the base also changed. */
function replayedChanges(repo: SimRepository, commit: SimCommit, baseChanged: Set<string>): CommitInput {
  const parent = findCommit(repo, commit.parents[0] ?? '');
  const files: Record<string, string | null> = {};
  for (const diff of diffTrees(parent.tree, commit.tree)) {
    for (const path of [diff.filename, diff.previousFilename ?? diff.filename]) {
      if (baseChanged.has(path)) throw new Error(`simulator: rebasing ${commit.oid} conflicts in ${path}: give the rebased commits`);
    }
    files[diff.filename] = commit.tree.get(diff.filename) ?? null;
    if (diff.previousFilename !== null) files[diff.previousFilename] = null;
  }
  const [author, ...coAuthors] = commit.authors.map((a) => ({ name: a.name, email: a.email, login: a.login }));
  return { files, message: commit.message.split('\n\n')[0], ...(author ? { author } : {}), coAuthors };
}

/** Merges the PR as the merge button does: a merge commit on the base branch whose second parent is the PR head. */
export function mergePullRequest(data: GitHubData, input: PullRef & { mergedBy: string }): string {
  const { repo, pr } = findPull(data, input);
  if (pr.state !== 'OPEN') throw new Error(`simulator: #${pr.number} is not open`);
  const head = findCommit(repo, headOid(pr));
  const baseOid = repo.branches.get(pr.baseRef) ?? '';
  const commit = makeCommit(data, {
    parents: [baseOid, head.oid],
    tree: new Map(head.tree),
    input: { author: input.mergedBy, committedViaWeb: true, message: `Merge pull request #${pr.number} from ${repo.owner}/${pr.headRef}` },
  });
  repo.commits.set(commit.oid, commit);
  repo.branches.set(pr.baseRef, commit.oid);
  pr.state = 'MERGED';
  pr.merge = { commitOid: commit.oid, mergedBy: input.mergedBy, mergedAt: commit.committedDate };
  pr.updatedAt = commit.committedDate;
  return commit.oid;
}

/** A merge queue's group as GitHub describes it in `merge_group` events (full refs). */
export interface SimMergeGroup {
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
  /** Each PR's merge commit in the group, in queue order. */
  merges: { number: number; commitOid: string }[];
}

/**
 * What a merge queue (merge method "merge commit") builds for the PRs `numbers`, in queue order: on the base
 * branch's head, one merge commit per PR whose second parent is the PR's head, on a temporary branch
 * `gh-readonly-queue/<base>/pr-<last>-<sha the last entry was built on>`. The base branch does not move.
 */
export function createMergeGroup(data: GitHubData, input: RepoRef & { numbers: number[] }): SimMergeGroup {
  const repo = findRepo(data, input);
  const first = findPull(data, { ...input, number: input.numbers[0] ?? 0 }).pr;
  const baseSha = repo.branches.get(first.baseRef) ?? '';
  let previous = findCommit(repo, baseSha);
  let builtOn = baseSha;
  const merges: SimMergeGroup['merges'] = [];
  for (const number of input.numbers) {
    const { pr } = findPull(data, { ...input, number });
    if (pr.state !== 'OPEN' || pr.baseRef !== first.baseRef) throw new Error(`simulator: #${number} cannot join this merge group`);
    const head = findCommit(repo, headOid(pr));
    const fork = findCommit(repo, mergeBase(repo, head.oid, baseSha) ?? baseSha);
    const changes: Record<string, string | null> = {};
    for (const diff of diffTrees(fork.tree, head.tree)) {
      changes[diff.filename] = head.tree.get(diff.filename) ?? null;
      if (diff.previousFilename !== null) changes[diff.previousFilename] = null;
    }
    const commit = makeCommit(data, {
      parents: [previous.oid, head.oid],
      tree: applyFiles(previous.tree, changes),
      input: { author: 'web-flow', committedViaWeb: true, message: `Merge pull request #${number} from ${repo.owner}/${pr.headRef}` },
    });
    repo.commits.set(commit.oid, commit);
    merges.push({ number, commitOid: commit.oid });
    builtOn = previous.oid;
    previous = commit;
  }
  const branch = `gh-readonly-queue/${first.baseRef}/pr-${input.numbers.at(-1)}-${builtOn}`;
  repo.branches.set(branch, previous.oid);
  return { headSha: previous.oid, headRef: `refs/heads/${branch}`, baseSha, baseRef: `refs/heads/${first.baseRef}`, merges };
}

/** The merge queue merges a group: the base branch moves to its head and each PR is merged by its own merge commit. */
export function mergeMergeGroup(data: GitHubData, input: RepoRef & { group: SimMergeGroup; mergedBy: string }): void {
  const repo = findRepo(data, input);
  const base = input.group.baseRef.replace(/^refs\/heads\//, '');
  if (repo.branches.get(base) !== input.group.baseSha) throw new Error(`simulator: ${base} moved since the merge group was built`);
  repo.branches.set(base, input.group.headSha);
  repo.branches.delete(input.group.headRef.replace(/^refs\/heads\//, ''));
  const at = tick(data);
  for (const { number, commitOid } of input.group.merges) {
    const { pr } = findPull(data, { ...input, number });
    Object.assign(pr, { state: 'MERGED', merge: { commitOid, mergedBy: input.mergedBy, mergedAt: at }, updatedAt: at });
  }
}

export function addCheckRun(
  data: GitHubData,
  input: RepoRef & { sha: string; name: string; status?: CheckRunStatus; conclusion?: CheckRunConclusion; appId?: number },
): SimCheckRun {
  const repo = findRepo(data, input);
  findCommit(repo, input.sha);
  const status = input.status ?? 'completed';
  const at = tick(data);
  const run: SimCheckRun = {
    id: nextId(data),
    headSha: input.sha,
    name: input.name,
    status,
    conclusion: status === 'completed' ? (input.conclusion ?? 'success') : null,
    startedAt: at,
    completedAt: status === 'completed' ? at : null,
    detailsUrl: null,
    externalId: null,
    output: { title: null, summary: null, text: null },
    appId: input.appId ?? ACTIONS_APP.id,
    checkSuiteId: nextId(data),
  };
  repo.checkRuns.push(run);
  return run;
}

export function addStatus(
  data: GitHubData,
  input: RepoRef & {
    sha: string;
    context: string;
    state: StatusState;
    description?: string;
    targetUrl?: string;
    /** Default: a CI user. */
    creator?: string;
    creatorIsBot?: boolean;
  },
): SimStatus {
  const repo = findRepo(data, input);
  findCommit(repo, input.sha);
  const status: SimStatus = {
    id: nextId(data),
    sha: input.sha,
    context: input.context,
    state: input.state,
    description: input.description ?? null,
    targetUrl: input.targetUrl ?? null,
    creator: toActor(input.creator ?? 'ci-bot', input.creatorIsBot),
    createdAt: tick(data),
  };
  repo.statuses.push(status);
  return status;
}

function applyFiles(tree: Map<string, string>, files: Record<string, string | null>): Map<string, string> {
  const next = new Map(tree);
  for (const [path, text] of Object.entries(files)) {
    if (text === null) next.delete(path);
    else next.set(path, text);
  }
  return next;
}

export function makeCommit(
  data: GitHubData,
  input: { parents: string[]; tree: Map<string, string>; input: CommitInput & { message: string } },
): SimCommit {
  const { author = 'unknown', coAuthors = [], committer, committedViaWeb = false, message } = input.input;
  const authors = [toIdentity(author), ...coAuthors.map(toIdentity)];
  const trailers = authors.slice(1).map((a) => `Co-authored-by: ${a.name} <${a.email}>`);
  const fullMessage = trailers.length > 0 ? `${message}\n\n${trailers.join('\n')}` : message;
  const committedDate = tick(data);
  return {
    oid: commitOid(`${nextId(data)} ${fullMessage}`),
    message: fullMessage,
    authors,
    committer: committer !== undefined ? toIdentity(committer) : committedViaWeb ? WEB_FLOW : toIdentity(author),
    parents: input.parents,
    committedViaWeb,
    committedDate,
    tree: input.tree,
  };
}

/** Gives `login` a role on the repository (what `GET …/collaborators/{username}/permission` reports). */
export function setCollaborator(data: GitHubData, input: RepoRef & { login: string; role: CollaboratorRole }): void {
  findRepo(data, input).collaborators.set(input.login.toLowerCase(), input.role);
}

/** Someone comments on a PR or an issue (e.g. a `/change-control` command); returns the comment for its webhook. */
export function addComment(data: GitHubData, input: PullRef & { author: string; body: string; authorIsBot?: boolean }): SimComment {
  const repo = findRepo(data, input);
  if (!repo.pulls.has(input.number) && !repo.issues.some((i) => i.number === input.number)) {
    throw new Error(`simulator: no issue or pull request #${input.number} in ${input.owner}/${input.repo}`);
  }
  const at = tick(data);
  const comment: SimComment = {
    id: nextId(data),
    issueNumber: input.number,
    body: input.body,
    author: toActor(input.author, input.authorIsBot),
    createdAt: at,
    updatedAt: at,
  };
  repo.comments.push(comment);
  return comment;
}

/** A ref update as GitHub's `push` webhook reports it: which branch moved from which commit to which. */
export interface SimPush {
  branch: string;
  before: string;
  after: string;
  forced: boolean;
}

/**
 * Commits straight onto a branch, no pull request (an admin or a bypass actor pushing to `main`): each commit on top
 * of the last, oldest first. Returns the push (the branch's head before and after).
 */
export function pushToBranch(
  data: GitHubData,
  input: RepoRef & { branch: string; commits: Array<CommitInput & { message: string }> },
): SimPush {
  const repo = findRepo(data, input);
  const before = repo.branches.get(input.branch);
  if (before === undefined) throw new Error(`simulator: no branch ${input.branch} in ${input.owner}/${input.repo}`);
  let head = findCommit(repo, before);
  for (const commitInput of input.commits) {
    const commit = makeCommit(data, { parents: [head.oid], tree: applyFiles(head.tree, commitInput.files ?? {}), input: commitInput });
    repo.commits.set(commit.oid, commit);
    head = commit;
  }
  repo.branches.set(input.branch, head.oid);
  return { branch: input.branch, before, after: head.oid, forced: false };
}

/**
 * A force-push: the branch reset to `onto` (an ancestor of its head, default its head's first parent) with `commits`
 * on top, dropping what was above it. Returns the push.
 */
export function forcePushBranch(
  data: GitHubData,
  input: RepoRef & { branch: string; onto?: string; commits: Array<CommitInput & { message: string }> },
): SimPush {
  const repo = findRepo(data, input);
  const before = repo.branches.get(input.branch);
  if (before === undefined) throw new Error(`simulator: no branch ${input.branch} in ${input.owner}/${input.repo}`);
  const onto = input.onto ?? findCommit(repo, before).parents[0];
  if (onto === undefined) throw new Error(`simulator: ${before} has no parent to force-push onto`);
  repo.branches.set(input.branch, onto);
  const pushed = pushToBranch(data, { ...input, commits: input.commits });
  return { ...pushed, before, forced: true };
}
