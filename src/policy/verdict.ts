import type { StandardChangeMatch } from './match-standard-change.js';
import type { EmergencyOverride, VoidedEmergency } from './emergency-override.js';
import type { WindowCheck } from './check-change-window.js';
import type { CheckFact, CheckState, OpaDecision, TicketLookup } from './facts.js';
import type { ApproverCheck } from './map-ticket-approvers.js';
import type { ControlOutcome } from './control.js';
import type { UnattributedIdentity } from './find-contributors.js';
import type { IgnoredCheck } from './select-check-result.js';
import type { ExpectedSource } from './expected-source.js';
import type { SecurityResult } from './security-result.js';
import type { PatchFact } from './patch-id.js';

// Re-exported so callers keep one import for the verdict's types; defined lower down so the policy files form no cycle.
export type { ControlName, ControlOutcome } from './control.js';
export type { UnattributedIdentity } from './find-contributors.js';
export type { SecurityResult } from './security-result.js';

/** The commit status state GitHub shows for `change-control`. */
export type VerdictState = 'success' | 'pending' | 'failure' | 'error';

interface ControlResultBase {
  outcome: ControlOutcome;
  /** One line for the status description and the report heading. */
  summary: string;
  /** What the PR author (or a reviewer) should do next; null when the control passes. */
  nextStep: string | null;
}

/**
 * Where a ticket key was found; `created`: the ticket the app created for the PR (`ticket.create`, from its store);
 * `standard-change`: the standing ticket of the standard change class covering the PR (from the policy).
 */
export type TicketKeySource = 'title' | 'branch' | 'body' | 'created' | 'standard-change';

/** One ticket key of the PR, as the control judged it. */
export interface TicketKeyResult {
  key: string;
  source: TicketKeySource;
  lookup: TicketLookup | null;
  outcome: 'success' | 'failure';
  /** One line: why it passes or fails. */
  summary: string;
  /** Each approver, tied to GitHub (cross-system segregation of duties). */
  approvers: ApproverCheck[];
  /** The change window, when the policy sets `ticket.window` and the ticket was read. */
  window: WindowCheck | null;
  /** Approvers not tied to GitHub that `unmapped_approver: warn` let pass (shown as warnings). */
  warnings: string[];
}

export interface TicketEvidence {
  /** Where the (first) key was found. */
  source: TicketKeySource | null;
  key: string | null;
  /** Keys that looked like ticket keys but are not of the configured projects. */
  otherProjectKeys: string[];
  /** The lookup of the first key (each key's is in `tickets`). */
  lookup: TicketLookup | null;
  requiredStatuses: string[];
  requiredTypes: string[];
  provider: 'jira' | 'servicenow' | 'none';
  /** `any`: one approved ticket is enough; `all`: every key must pass. */
  require?: 'any' | 'all';
  /** Every key found, with its state, approvers and window. */
  tickets?: TicketKeyResult[];
  /** Where approvers were tied to GitHub logins (the people file), null when there is none. */
  peopleSource?: string | null;
}

export interface TicketResult extends ControlResultBase {
  control: 'ticket';
  evidence: TicketEvidence;
}

export interface CountedApproval {
  login: string;
  commitSha: string;
  submittedAt: string;
  /** Given on an earlier head whose patch is the head's (`approval.keep_on_rebase`): the heads compared and the patch id. */
  rebased?: { approvedHead: string; head: string; patchId: string };
}

export type IgnoredApprovalReason = 'author' | 'contributor' | 'bot' | 'no-write-access' | 'stale' | 'superseded' | 'not-in-team';

export interface IgnoredApproval {
  login: string;
  reason: IgnoredApprovalReason;
  /** Human-readable explanation for the report. */
  detail: string;
  commitSha: string | null;
  submittedAt: string;
}

/** One approval requirement: the policy's own, or a path rule that matched the PR's files. */
export interface ApprovalRequirement {
  /** `approval`, or `approval.rules[N]`. */
  source: string;
  count: number;
  teams: string[];
  /** The rule's path globs and the changed files that matched them (empty for the base requirement). */
  paths: string[];
  matchedFiles: string[];
  approvers: string[];
  satisfied: boolean;
}

export interface ApprovalEvidence {
  required: number;
  headSha: string;
  author: string;
  /** Contributors with why each is one ("committed 3f2a1c9"). */
  contributors: { login: string; detail: string }[];
  unattributed: UnattributedIdentity[];
  /** `block` fails the control on unattributed identities; `allow` only reports them. */
  unattributedPolicy: 'block' | 'allow';
  counted: CountedApproval[];
  ignored: IgnoredApproval[];
  /** Reviewers whose latest review requests changes. */
  changesRequestedBy: string[];
  /** Of those, the ones with write access: their request blocks the merge until they approve or it is dismissed. */
  blockingChangesRequestedBy: string[];
  teams: string[];
  requirements: ApprovalRequirement[];
  /** With `approval.keep_on_rebase`: the heads whose patches were compared, with their merge bases and patch ids. */
  patches?: PatchFact[];
}

export interface ApprovalResult extends ControlResultBase {
  control: 'approval';
  evidence: ApprovalEvidence;
}

export interface RequiredCheckEvidence {
  name: string;
  /** The source the policy binds the check to (`app` or `creator`); null when it names none. */
  source: ExpectedSource;
  state: CheckState | 'missing';
  /** The result used (latest one for the name from a source that counts); null when none has reported. */
  result: CheckFact | null;
  /** Results for the name that do not count (another source, a contributor, or not the reporter of a failure). */
  ignored: IgnoredCheck[];
}

export interface ChecksResult extends ControlResultBase {
  control: 'checks';
  evidence: { headSha: string; required: RequiredCheckEvidence[] };
}

export interface OpaResult extends ControlResultBase {
  control: 'opa';
  /** Each decision asked (the floor's first), with OPA's decision id and bundle revisions. */
  evidence: { decisions: OpaDecision[] };
}

export type ControlResult = TicketResult | ApprovalResult | ChecksResult | SecurityResult | OpaResult;

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  url: string;
}

/** The policy file a verdict applied (its blob SHA pins the exact version). */
export interface PolicySource {
  repo: string;
  path: string;
  blobSha: string;
}

/** The organisation floor a verdict applied: its file, and each setting of the repository's policy it overrode. */
export interface AppliedFloor {
  policy: PolicySource;
  /** One line per setting below the floor, with what applied instead; empty when the policy met the floor. */
  notes: string[];
}

/** The decision for one head commit, with the facts it used. */
export type Verdict =
  | {
      state: Exclude<VerdictState, 'error'>;
      description: string;
      pullRequest: PullRequestRef;
      policy: PolicySource;
      controls: ControlResult[];
      /** Present when the organisation's `.github` policy set a floor. */
      floor?: AppliedFloor;
      evaluatedAt: string;
      /** Set when an emergency authorisation passed a verdict that was not `success` (docs/emergency-changes.md). */
      emergency?: EmergencyOverride;
      /** True when the report shows each ticket's key and status only (a public repository, `report.ticket_details` unset). */
      ticketDetailsHidden?: true;
      /** Set when the latest emergency authorisation was for an earlier head: a push voided it. */
      voidedEmergency?: VoidedEmergency;
      /** Set when the policy has standard change classes: which one covers the PR (if any), and how each was judged. */
      standardChange?: StandardChangeMatch;
    }
  | {
      state: 'error';
      description: string;
      pullRequest: PullRequestRef;
      /** Null when the policy itself could not be found or read. */
      policy: PolicySource | null;
      /** Why the evaluation could not be made, one line each (e.g. config errors with their lines). */
      errors: string[];
      nextStep: string;
      evaluatedAt: string;
    };

/** The verdict when the evaluation itself could not be made (a missing fact, an unreadable policy): never a pass or a fail. */
export type ErrorVerdict = Extract<Verdict, { state: 'error' }>;
