/**
 * Small builders of policy facts for table-driven tests: each returns a valid, passing-by-default value
 * and takes only the fields a test row cares about.
 */
import type {
  ApprovalConfig,
  ApprovalRule,
  ChangeControlConfig,
  ChecksConfig,
  RequiredCheck,
  TicketConfig,
} from '../../src/policy/config-schema.js';
import type {
  Actor,
  ChangedFile,
  CheckFact,
  CheckState,
  CommitFact,
  GitIdentity,
  PullRequestFacts,
  PushFact,
  ReviewFact,
  ReviewState,
  TicketApproval,
  TicketLookup,
  TicketPerson,
} from '../../src/policy/facts.js';
import type { TicketKeySearch } from '../../src/policy/find-ticket-keys.js';
import type { PolicySource } from '../../src/policy/verdict.js';

export const HEAD_SHA = 'c0ffee1234567890abcdef1234567890abcdef12';
export const OLD_SHA = 'bada551234567890abcdef1234567890abcdef12';
/** A commit between OLD_SHA and HEAD_SHA. */
export const MID_SHA = '3f2a1c9234567890abcdef1234567890abcdef12';
/** A merge commit of the base branch into the PR. */
export const MERGE_SHA = '1a2b3c4234567890abcdef1234567890abcdef12';
/** A commit of the base branch (second parent of MERGE_SHA); never in the PR's commit list. */
export const BASE_SHA = 'ba5eba5e34567890abcdef1234567890abcdef12';
export const AUTHOR = 'alice';
export const NOW = new Date('2024-05-02T12:00:00.000Z');
export const JIRA = 'https://acme.atlassian.net/browse';
export const POLICY: PolicySource = { repo: 'acme/payments', path: '.github/change-control.yml', blobSha: 'f00dcafe00112233' };

export function user(login: string): Actor {
  return { login, isBot: false };
}

export function bot(login: string): Actor {
  return { login, isBot: true };
}

/** A git identity GitHub resolved to `login` (null: not tied to a GitHub user). */
export function gitIdentity(role: GitIdentity['role'], login: string | null, email?: string): GitIdentity {
  return { role, login, name: login ?? 'Unknown Person', email: email ?? `${login ?? 'unknown'}@example.com` };
}

/** A commit authored and committed by `login` unless `identities` says otherwise. */
export function aCommit(login: string | null = AUTHOR, overrides: Partial<CommitFact> = {}): CommitFact {
  return {
    sha: HEAD_SHA,
    parents: [OLD_SHA],
    committedViaWeb: false,
    identities: [gitIdentity('author', login), gitIdentity('committer', login)],
    ...overrides,
  };
}

/** A merge of the base branch (BASE_SHA) into the PR after OLD_SHA, made by `login`. */
export function aBaseMerge(login: string | null, overrides: Partial<CommitFact> = {}): CommitFact {
  return aCommit(login, { sha: MERGE_SHA, parents: [OLD_SHA, BASE_SHA], ...overrides });
}

/** A push of `headSha` to the PR's head branch by `login`, recorded while the PR was open. */
export function aPush(login: string, headSha: string = HEAD_SHA, at = '2024-05-02T09:30:00Z'): PushFact {
  return { login, headSha, at };
}

/** A changed file; `previousPath` makes it a rename. */
export function aChangedFile(path: string, previousPath: string | null = null): ChangedFile {
  return { path, previousPath };
}

/** An `approval.rules` entry: `count` 1 from anyone unless overridden. */
export function aRule(paths: string[], overrides: Partial<ApprovalRule> = {}): ApprovalRule {
  return { paths, count: 1, teams: [], ...overrides };
}

/** A review by a human on the head commit, submitted at `at`. */
export function aReview(login: string, state: ReviewState, overrides: Partial<ReviewFact> = {}): ReviewFact {
  return { reviewer: user(login), state, commitSha: HEAD_SHA, submittedAt: '2024-05-02T10:00:00Z', reviewerCanPush: true, ...overrides };
}

export function aCheck(name: string, state: CheckState, overrides: Partial<CheckFact> = {}): CheckFact {
  const raw: Record<CheckState, string> = { success: 'COMPLETED/SUCCESS', pending: 'IN_PROGRESS', failure: 'COMPLETED/FAILURE' };
  return {
    name,
    kind: 'check_run',
    raw: raw[state],
    state,
    at: '2024-05-02T09:00:00Z',
    url: `https://github.com/acme/payments/runs/${name}`,
    source: 'github-actions',
    ...overrides,
  };
}

export function aPullRequest(overrides: Partial<PullRequestFacts> = {}): PullRequestFacts {
  return {
    owner: 'acme',
    repo: 'payments',
    number: 42,
    title: 'CHG-12: rotate the card vault key',
    body: '',
    url: 'https://github.com/acme/payments/pull/42',
    author: user(AUTHOR),
    baseRef: 'main',
    headRef: 'feature/rotate-key',
    headSha: HEAD_SHA,
    commits: [aCommit()],
    reviews: [aReview('bob', 'APPROVED')],
    checks: [aCheck('build', 'success')],
    pushers: [],
    changedFiles: null,
    cleanBaseMerges: [],
    patches: [],
    ...overrides,
  };
}

export function aTicketConfig(overrides: Partial<TicketConfig> = {}): TicketConfig {
  return {
    provider: 'jira',
    projects: ['CHG'],
    statuses: ['Approved'],
    types: [],
    jsm_approvals: false,
    unmapped_approver: 'warn',
    require: 'any',
    write_back: false,
    ...overrides,
  };
}

export function anApprovalConfig(overrides: Partial<ApprovalConfig> = {}): ApprovalConfig {
  return {
    count: 1,
    teams: [],
    allow_author: false,
    allow_contributors: false,
    unattributed_commits: 'block',
    invalidate_on_push: true,
    keep_on_rebase: false,
    ignore_base_merges: false,
    rules: [],
    ...overrides,
  };
}

export function aChecksConfig(required: RequiredCheck[] = ['build']): ChecksConfig {
  return { required };
}

export function aConfig(
  overrides: {
    ticket?: Partial<TicketConfig>;
    approval?: Partial<ApprovalConfig>;
    checks?: RequiredCheck[];
    branches?: string[];
    standard_changes?: ChangeControlConfig['standard_changes'];
  } = {},
): ChangeControlConfig {
  return {
    branches: overrides.branches,
    ticket: aTicketConfig(overrides.ticket),
    approval: anApprovalConfig(overrides.approval),
    checks: aChecksConfig(overrides.checks),
    audit: {},
    report: {},
    emergency: { teams: [], reviewers: [], review_within_hours: 72 },
    deployments: { environments: ['production'] },
    opa: { decisions: [], teams: [] },
    standard_changes: overrides.standard_changes ?? [],
  };
}

export function aKeySearch(overrides: Partial<TicketKeySearch> = {}): TicketKeySearch {
  return { key: 'CHG-12', source: 'title', otherProjectKeys: [], ...overrides };
}

/** What Jira says about an existing issue; `key` differs from `requestedKey` when the issue moved. */
export function aFoundTicket(overrides: Partial<Extract<TicketLookup, { found: true }>> = {}): TicketLookup {
  const key = overrides.key ?? 'CHG-12';
  return {
    found: true,
    key,
    requestedKey: 'CHG-12',
    status: 'Approved',
    issueType: 'Change',
    summary: 'Rotate the card vault key',
    url: `${JIRA}/${key}`,
    approval: anApproval(),
    ...overrides,
  };
}

/** A change manager nobody maps to GitHub: independent, and reported as unmapped. */
export const CHANGE_MANAGER: TicketPerson = { accountId: '5b10ac8d82e05b22cc7d4ef5', email: 'cara@acme.test', displayName: 'Cara Change' };

export function anApproval(overrides: Partial<TicketApproval> = {}): TicketApproval {
  return {
    how: 'status-transition',
    decision: 'approved',
    approvers: [CHANGE_MANAGER],
    at: '2026-05-01T09:00:00.000+0000',
    detail: 'Awaiting Approval → Approved',
    ...overrides,
  };
}

export function aMissingTicket(requestedKey = 'CHG-12'): TicketLookup {
  return { found: false, requestedKey, url: `${JIRA}/${requestedKey}` };
}
