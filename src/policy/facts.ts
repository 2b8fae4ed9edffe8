/**
 * The facts one evaluation uses. Everything here is plain data read from GitHub and the ticket
 * provider by the edges (src/github, src/tickets); the policy core only reads it. Each fact keeps
 * who, what, when and which SHA so a verdict can be replayed by an auditor.
 */
import type { PatchFact } from './patch-id.js';

import type { SecurityFacts } from './security-facts.js';

/** A person or bot as GitHub identifies it. `login` is null when git metadata could not be tied to a user. */
export interface Actor {
  login: string;
  isBot: boolean;
}

/** One git identity on a commit (author, committer or Co-authored-by trailer). */
export interface GitIdentity {
  role: 'author' | 'committer' | 'co-author';
  name: string | null;
  email: string | null;
  /** The GitHub login GitHub resolved this identity to; null when it could not be resolved. */
  login: string | null;
}

export interface CommitFact {
  sha: string;
  /** Parent SHAs in git order: a merge commit has two; the second is the branch merged in. */
  parents: string[];
  /** True when GitHub itself made the commit on behalf of a user (web edits, suggestions, merges in the UI). */
  committedViaWeb: boolean;
  identities: GitIdentity[];
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface ReviewFact {
  reviewer: Actor;
  state: ReviewState;
  /** The commit the review was given on; null if GitHub no longer knows it (force-pushed away). */
  commitSha: string | null;
  /** ISO-8601 time the review was submitted. */
  submittedAt: string;
  /** Whether the reviewer has write (or higher) access to the repository. */
  reviewerCanPush: boolean;
}

export type CheckState = 'success' | 'pending' | 'failure';

export interface CheckFact {
  name: string;
  kind: 'check_run' | 'status';
  /** Raw GitHub value: check run status/conclusion (e.g. `COMPLETED/SUCCESS`) or status state (e.g. `FAILURE`). */
  raw: string;
  state: CheckState;
  /** ISO-8601 time of this result, used to keep the latest one per name. */
  at: string;
  url: string | null;
  /**
   * Who reported it, as read from GitHub: the slug of the GitHub App that created a check run, or the login that
   * posted a commit status; null when GitHub does not say (a deleted user or app).
   */
  source: string | null;
}

/**
 * What GitHub's pull request query says (src/github/read-pull-request-facts.ts): the facts every policy needs.
 * The facts only some policies need are not here: gathering them makes a complete `PullRequestFacts`.
 */
export interface PullRequestReadFacts {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  url: string;
  author: Actor;
  baseRef: string;
  headRef: string;
  headSha: string;
  commits: CommitFact[];
  reviews: ReviewFact[];
  checks: CheckFact[];
  /** The repository's visibility, as GitHub reports it (internal counts as private); absent in hand-made facts. */
  visibility?: 'public' | 'private';
}

/** The complete facts a verdict is decided on: the read facts and what the policy needed besides (src/evaluation/gather.ts). */
export interface PullRequestFacts extends PullRequestReadFacts {
  /** Everyone who pushed a head to the PR while it was open (recorded from `pull_request` events). */
  pushers: PushFact[];
  /** The PR's changed files; null when the policy has no path rules (not read). */
  changedFiles: ChangedFile[] | null;
  /** Merge commits verified to only bring the base branch in (`approval.ignore_base_merges`). */
  cleanBaseMerges: string[];
  /** Code scanning alerts and dependency review; absent when the policy has no `security:` (not read). */
  security?: SecurityFacts;
  /**
   * The patches of the head and of earlier approved heads against their merge bases (`approval.keep_on_rebase`);
   * empty when the option is off or every approval is of the head.
   */
  patches: PatchFact[];
}

export interface PushFact {
  login: string;
  headSha: string;
  at: string;
}

export interface ChangedFile {
  path: string;
  /** The path before a rename; a rename counts as both paths. */
  previousPath: string | null;
  /** Lines added and deleted, as GitHub's file list gives them (standard change classes' `max_changed_lines`); absent when not read. */
  additions?: number;
  deletions?: number;
}

/** A person as the ticket provider knows them; any part may be missing (Jira Cloud hides e-mails by default). */
export interface TicketPerson {
  /** Jira Cloud accountId, Data Center user name, or ServiceNow user name. */
  accountId: string | null;
  email: string | null;
  displayName: string | null;
}

/** How the provider shows that the change was approved, and by whom. */
export interface TicketApproval {
  /** `status-transition`: from the issue's changelog; `jsm-approval`: Jira Service Management; `servicenow-approval`: sysapproval_approver. */
  how: 'status-transition' | 'jsm-approval' | 'servicenow-approval';
  /** The final decision: a status transition found is `approved`; JSM and ServiceNow say it themselves. */
  decision: 'approved' | 'declined' | 'pending';
  /** Who approved (for a transition: who moved the ticket into its approved status). */
  approvers: TicketPerson[];
  /** ISO-8601 time of the decision; null when the provider does not give it. */
  at: string | null;
  /** What was read: the status moved into, the approval's name, or the approval record. */
  detail: string;
}

/** The change window as read from the ticket's fields (ISO-8601 or null when a field is empty). */
export interface TicketWindowValue {
  start: string | null;
  end: string | null;
}

/** What the ticket provider said about one key. */
export type TicketLookup =
  | {
      found: true;
      /** The key the provider answered with: differs from the requested key when a Jira issue moved projects. */
      key: string;
      requestedKey: string;
      status: string;
      issueType: string;
      summary: string;
      url: string;
      /** The approval evidence; null when it was not read (the status is not an approved one) or none exists. */
      approval?: TicketApproval | null;
      /** The change window's fields; absent when the policy has no `ticket.window`. */
      window?: TicketWindowValue;
    }
  | { found: false; requestedKey: string; url: string };

/** `.github/change-control-people.yml` of the organisation: GitHub login (lower-case) to Jira e-mail or account id. */
export interface PeopleMap {
  /** Where the mapping came from (`org/.github:.github/change-control-people.yml@blob`), null when there is none. */
  source: string | null;
  entries: { login: string; ticketIdentity: string }[];
}

/** Team memberships used by `approval.teams`: team slug (org/slug) to member logins (lower-case). */
export type TeamMembers = Record<string, string[]>;

/** What the organisation's OPA answered for one decision (src/opa/ask-opa.ts): the OPA control decides on it. */
export interface OpaDecision {
  /** The Data API path asked, such as `change_control/allow`. */
  path: string;
  /** The policy key that asked for it: the repository's own, or the organisation floor's. */
  source: 'opa.decision' | 'floor.opa.decision';
  allow: boolean;
  /** OPA's reasons, as the policy wrote them (shown in the report when it denies). */
  reasons: string[];
  /** OPA's decision id (decision logging on), to find the decision in OPA's decision log; null when OPA gives none. */
  decisionId: string | null;
  /** The revision of each policy bundle the decision was made with (`provenance.bundles`): bundle name to revision. */
  bundleRevisions: Record<string, string>;
  /** The version of the input document it was asked with (`input.version`). */
  inputVersion: number;
}
