import { createHash } from 'node:crypto';
import type { SimSecurity } from './security-model.js';

/** The simulated GitHub's data. Plain records: the GraphQL resolvers and REST routes read them, `state.ts` changes them. */

export interface GitIdentity {
  name: string;
  email: string;
  /** The GitHub user GitHub resolved the email to; null when it resolves to nobody. */
  login: string | null;
}

export interface SimCommit {
  oid: string;
  message: string;
  /** The author first, then co-authors from `Co-authored-by:` trailers (GitHub's `authors` connection). */
  authors: GitIdentity[];
  committer: GitIdentity;
  parents: string[];
  committedViaWeb: boolean;
  committedDate: string;
  /** The whole tree at this commit: path to text. */
  tree: Map<string, string>;
}

export interface SimActor {
  login: string;
  type: 'User' | 'Bot';
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface SimReview {
  id: number;
  author: SimActor;
  /** Whether the reviewer has write access to the repository (GraphQL `authorCanPushToRepository`). */
  authorCanPush: boolean;
  state: ReviewState;
  commitOid: string;
  submittedAt: string;
}

export type PullRequestState = 'OPEN' | 'CLOSED' | 'MERGED';

export interface SimPullRequest {
  id: number;
  number: number;
  title: string;
  body: string;
  author: SimActor;
  baseRef: string;
  headRef: string;
  state: PullRequestState;
  draft: boolean;
  /** Oids of the PR's commits, oldest first; the last one is the head. */
  commits: string[];
  reviews: SimReview[];
  createdAt: string;
  updatedAt: string;
  /** Set when merged. */
  merge: { commitOid: string; mergedBy: string; mergedAt: string } | null;
}

export type CheckRunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type CheckRunConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;

export interface SimCheckRun {
  id: number;
  headSha: string;
  name: string;
  status: CheckRunStatus;
  conclusion: CheckRunConclusion;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  appId: number;
  checkSuiteId: number;
}

export type StatusState = 'error' | 'failure' | 'pending' | 'success';

export interface SimStatus {
  id: number;
  sha: string;
  context: string;
  state: StatusState;
  description: string | null;
  targetUrl: string | null;
  creator: SimActor;
  createdAt: string;
}

/** An issue comment on a PR (the app's trail comment, or anyone's). */
export interface SimComment {
  id: number;
  issueNumber: number;
  body: string;
  author: SimActor;
  createdAt: string;
  updatedAt: string;
}

/** An issue (not a PR); issues and PRs share one number sequence, as on GitHub. */
export interface SimIssue {
  id: number;
  number: number;
  title: string;
  body: string;
  author: SimActor;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** A person's role on a repository; the REST permission endpoint reports maintain as write and triage as read. */
export type CollaboratorRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface SimDeploymentStatus {
  id: number;
  state: DeploymentState;
  creator: SimActor;
  description: string;
  environment: string;
  createdAt: string;
}

export interface SimDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  creator: SimActor;
  createdAt: string;
  /** Oldest first. */
  statuses: SimDeploymentStatus[];
}

/** A workflow run's job waiting on the app's custom deployment protection rule for an environment. */
export interface SimDeploymentGate {
  runId: number;
  environment: string;
  sha: string;
  ref: string;
  deploymentId: number | null;
  /** The app's answers, oldest first: a state settles the gate; a comment alone does not. */
  reviews: Array<{ state: 'approved' | 'rejected' | null; comment: string | null; at: string }>;
}

export type BypassActorType = 'Integration' | 'OrganizationAdmin' | 'RepositoryRole' | 'Team' | 'DeployKey' | 'User';

/** A branch ruleset (repository or organisation level) with its required status checks and bypass actors. */
export interface SimRuleset {
  id: number;
  name: string;
  /** `owner/name` for a repository ruleset, the organisation for an organisation ruleset. */
  source: string;
  sourceType: 'Repository' | 'Organization';
  enforcement: 'active' | 'evaluate' | 'disabled';
  /** Branch names or patterns it applies to (`*` globs, `~DEFAULT_BRANCH`, `~ALL`). */
  include: string[];
  requiredChecks: Array<{ context: string; integrationId?: number }>;
  bypassActors: Array<{ actorType: BypassActorType; actorId: number | null; bypassMode: 'always' | 'pull_request' | 'exempt' }>;
  createdAt: string;
  updatedAt: string;
}

/** Classic branch protection of one branch (only what the app reads). */
export interface SimProtection {
  requiredChecks: Array<{ context: string; appId: number | null }>;
  enforceAdmins: boolean;
}

export interface SimRepository {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  /** The repository exists but GraphQL answers FORBIDDEN for it (e.g. a `.github` repository the app is denied). */
  unreadable?: boolean;
  installationId: number;
  defaultBranch: string;
  /** Branch name to head commit oid. */
  branches: Map<string, string>;
  commits: Map<string, SimCommit>;
  pulls: Map<number, SimPullRequest>;
  checkRuns: SimCheckRun[];
  statuses: SimStatus[];
  comments: SimComment[];
  issues: SimIssue[];
  /** Lower-cased login to role; anyone else has no access (`none`). */
  collaborators: Map<string, CollaboratorRole>;
  deployments: SimDeployment[];
  deploymentGates: SimDeploymentGate[];
  rulesets: SimRuleset[];
  /** Branch name to its classic protection. */
  protection: Map<string, SimProtection>;
  /** Lower-cased team slug (of the owner organisation) to the team's role on the repository. */
  teamAccess: Map<string, CollaboratorRole>;
  /** Code scanning analyses and alerts, the dependency graph (security-state.ts). */
  security: SimSecurity;
}

export interface SimApp {
  id: number;
  slug: string;
  name: string;
  /** The account that owns the app. */
  owner: string;
}

export interface SimTeam {
  org: string;
  slug: string;
  members: string[];
  /** Assigned by `addTeam` when not given (ruleset bypass actors name teams by id). */
  id?: number;
}

/** A `file(path:)` the app read through GraphQL, and on which commit: the evidence that policy comes from default branches. */
export interface FileRead {
  repo: string;
  commitOid: string;
  /** The branch whose head the commit is, or null when the commit is not a branch head (e.g. a PR commit). */
  branch: string | null;
  onDefaultBranch: boolean;
  path: string;
}

export interface GitHubData {
  repos: Map<string, SimRepository>;
  apps: Map<number, SimApp>;
  teams: SimTeam[];
  users: Map<string, number>;
  fileReads: FileRead[];
  /**
   * The app's Administration permission. Without it GitHub answers 403 to branch protection reads and leaves
   * `bypass_actors` out of rulesets; with it (read is what the app asks for) both are shown.
   */
  administration: 'read' | 'write' | null;
  nextId: number;
  /** Simulated clock: every change moves it one minute, so timestamps order events unambiguously. */
  clock: number;
}

export const START_TIME = Date.parse('2025-01-06T09:00:00Z');

export function createData(): GitHubData {
  return {
    repos: new Map(),
    apps: new Map(),
    teams: [],
    users: new Map(),
    fileReads: [],
    administration: 'read',
    nextId: 1000,
    clock: START_TIME,
  };
}

export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

/** GitHub's timestamp format: seconds precision, `Z`. */
export function tick(data: GitHubData): string {
  data.clock += 60_000;
  return new Date(data.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nextId(data: GitHubData): number {
  data.nextId += 1;
  return data.nextId;
}

export function userId(data: GitHubData, login: string): number {
  const key = login.toLowerCase();
  let id = data.users.get(key);
  if (id === undefined) {
    id = 5_000_000 + data.users.size + 1;
    data.users.set(key, id);
  }
  return id;
}

/** Git's blob object id of a text (`sha1("blob <size>\0<content>")`), so a policy's blob SHA looks and behaves like GitHub's. */
export function blobOid(text: string): string {
  const content = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** A made-up but stable and unique commit oid. */
export function commitOid(seed: string): string {
  return createHash('sha1').update(`commit ${seed}`).digest('hex');
}

/** The next issue or PR number of a repository. */
export function nextNumber(repo: SimRepository): number {
  return Math.max(0, ...repo.pulls.keys(), ...repo.issues.map((i) => i.number)) + 1;
}

export function headOid(pr: SimPullRequest): string {
  const head = pr.commits.at(-1);
  if (head === undefined) throw new Error(`pull request #${pr.number} has no commits`);
  return head;
}
