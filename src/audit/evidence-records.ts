import { z } from 'zod';

/**
 * The `data` of `merge` and `exception` audit entries: self-contained, so the audit export (one row per
 * merged PR) needs no other entry and an auditor can read each record on its own.
 */

export const ApproverEvidence = z.object({
  login: z.string(),
  commitSha: z.string(),
  submittedAt: z.string(),
  /** An approval of an earlier head kept across a rebase (`approval.keep_on_rebase`): the heads compared and the patch id. */
  rebased: z.object({ approvedHead: z.string(), head: z.string(), patchId: z.string() }).optional(),
});

export const CheckEvidence = z.object({ name: z.string(), state: z.string(), raw: z.string().nullable() });

export const TicketEvidenceRecord = z.object({
  key: z.string(),
  status: z.string().nullable(),
  url: z.string().nullable(),
  /** Who approved the ticket, when the provider tells (Jira changelog / JSM approvals; null until known). */
  approver: z.string().nullable(),
});

const SeverityCounts = z.object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number() });

/** The security control's counts at merge (docs/controls.md#security-findings): unresolved findings by severity. */
export const SecurityCountsRecord = z.object({
  /** New code scanning alerts not resolved (null: code scanning not configured, or no analysis of the head). */
  codeScanning: SeverityCounts.nullable(),
  /** Vulnerabilities of the dependencies the PR adds (null: dependency review not configured). */
  dependencies: SeverityCounts.nullable(),
});
export type SecurityCountsRecord = z.infer<typeof SecurityCountsRecord>;

/**
 * How far a `merge` entry's evidence goes (docs/audit.md#merge-evidence): `unverified`, the claim written from the
 * `pull_request.closed` delivery alone before anything was read back from GitHub (no verdict, no facts); `verified`,
 * the full evidence read back from GitHub; `incomplete`, facts GitHub can never give (an `evidence-incomplete`
 * exception says why); `refuted`, GitHub says the PR was not merged: the claim is void, and the PR is not in the
 * population of merges. Absent in records written before the claim existed: those are verified.
 */
export const MergeEvidence = z.enum(['unverified', 'verified', 'incomplete', 'refuted']);
export type MergeEvidence = z.infer<typeof MergeEvidence>;

/** Evidence that ends a merge's story: what a claim, a retry or a sweep never writes again. */
export function isFinalEvidence(evidence: MergeEvidence): boolean {
  return evidence === 'verified' || evidence === 'incomplete';
}

export const MergeRecord = z.object({
  pr: z.object({ number: z.number(), title: z.string(), url: z.string(), author: z.string() }),
  baseRef: z.string(),
  headSha: z.string(),
  mergeSha: z.string().nullable(),
  mergedBy: z.string().nullable(),
  mergedAt: z.string(),
  /** The last verdict the gate published for the merged head before the merge (null: none recorded). */
  gate: z.object({ state: z.string(), description: z.string(), seq: z.number().nullable() }).nullable(),
  /** The verdict re-evaluated at merge time on the merged head: approvals on that SHA, ticket state at merge. */
  atMerge: z.object({ state: z.string(), description: z.string() }),
  ticket: TicketEvidenceRecord.nullable(),
  approvers: z.array(ApproverEvidence),
  checks: z.array(CheckEvidence),
  /** The security control's counts at merge; null when the policy has no `security:`. Absent in older records. */
  security: SecurityCountsRecord.nullable().optional(),
  /** Exception reasons, empty for a clean merge (e.g. "merged while change-control was pending"). */
  exceptions: z.array(z.string()),
  /** The policy applied (repo:path@blob). */
  policy: z.string().nullable(),
  /** How far the evidence goes; absent (older records): verified. */
  evidence: MergeEvidence.optional(),
  /** The `unverified` claim this record completes (its audit entry number); null when none was written. */
  claimSeq: z.number().int().nullable().optional(),
  /** What recorded the merge: its `closed` delivery, or a later reconciliation sweep (recorded late). Absent: the delivery. */
  recordedBy: z.enum(['webhook', 'reconciliation']).optional(),
  /**
   * The standard change class that covered the merged head (docs/tickets.md#standard-changes), with its standing
   * ticket; absent: a normal change (or an emergency one), or a record written before standard changes existed.
   */
  standardChange: z.object({ name: z.string(), ticket: z.string() }).optional(),
  /** The merge queue group the merge commit came from, with the verdict the app published on it (absent: not through a merge queue). */
  mergeGroup: z.object({ headSha: z.string(), headRef: z.string(), state: z.string(), seq: z.number() }).optional(),
});
export type MergeRecord = z.infer<typeof MergeRecord>;

/** How a change was governed: a standard (pre-approved) change, an emergency change, or a normal one with its own ticket. */
export type ChangeType = 'standard' | 'normal' | 'emergency';

/** A merge record's change type: an emergency waiver first (it is why the gate passed), then a standard change class. */
export function changeTypeOf(record: Pick<MergeRecord, 'exceptions' | 'standardChange'>, emergency = false): ChangeType {
  if (emergency || record.exceptions.includes('emergency')) return 'emergency';
  return record.standardChange ? 'standard' : 'normal';
}

/** One PR of a merge group as it was judged for the group: its head then, its verdict, the controls that did not pass. */
export const MergeGroupPullRecord = z.object({
  number: z.number().int().positive(),
  /** The PR's head when it was assessed; null when the PR could not be read. */
  headSha: z.string().nullable(),
  state: z.enum(['success', 'pending', 'failure', 'error']),
  description: z.string(),
  /** `control: summary` of each control that did not pass (or the reason it could not be read). */
  failing: z.array(z.string()),
});
export type MergeGroupPullRecord = z.infer<typeof MergeGroupPullRecord>;

/** The `data` of a `merge-group` entry: the verdict on a merge queue's group head (the entry's `headSha`). */
export const MergeGroupRecord = z.object({
  headRef: z.string(),
  baseRef: z.string(),
  baseSha: z.string(),
  /** The group's commits between its base and head, oldest first (read back from GitHub's comparison). */
  commits: z.array(z.string()),
  pulls: z.array(MergeGroupPullRecord),
  state: z.enum(['success', 'failure', 'error']),
  description: z.string(),
  /** Why the group could not be judged PR by PR (its PRs could not be found or read). */
  problems: z.array(z.string()),
  published: z.object({ wroteStatus: z.boolean(), checkRunUrl: z.string().nullable() }),
});
export type MergeGroupRecord = z.infer<typeof MergeGroupRecord>;

/** The `data` of a `merge-group-destroyed` entry. */
export const MergeGroupDestroyedRecord = z.object({ headRef: z.string(), baseRef: z.string(), reason: z.string().nullable() });
export type MergeGroupDestroyedRecord = z.infer<typeof MergeGroupDestroyedRecord>;

export const ExceptionRecord = z.object({
  /** `bypass`: merged past a non-passing verdict; `evidence-incomplete`: the merge's facts can never be read back. */
  type: z.enum(['bypass', 'evidence-incomplete']),
  mergeSha: z.string().nullable(),
  mergedBy: z.string().nullable(),
  /** What was missing when the PR merged (for `evidence-incomplete`: why the facts cannot be read), one line each. */
  missing: z.array(z.string()),
  gateState: z.string().nullable(),
  /** The issue opened for the exception, when it could be opened. */
  issueUrl: z.string().nullable(),
});
export type ExceptionRecord = z.infer<typeof ExceptionRecord>;

/** A GitHub issue the app opened or acts on. */
const IssueRef = z.object({ repo: z.string(), number: z.number().int().positive(), url: z.string() });
/** The comment that carried a `/change-control` command. */
const CommentRef = z.object({ id: z.number(), url: z.string() });

/**
 * The `data` of an `emergency` entry: an emergency change authorised on one head commit (the entry's
 * `headSha`), with what was waived and the follow-up issue that asks for its retrospective approval.
 */
export const EmergencyRecord = z.object({
  by: z.string(),
  reason: z.string(),
  headSha: z.string(),
  /** The installation whose token can comment on the follow-up issue (the overdue sweep uses it). */
  installationId: z.number().int(),
  pr: z.object({ repo: z.string(), number: z.number(), title: z.string(), url: z.string(), author: z.string() }),
  /** Contributors of the head when it was authorised: none of them may approve it retrospectively. */
  contributors: z.array(z.string()),
  /** The controls not passing when it was authorised, with their summaries. */
  waived: z.array(z.object({ control: z.string(), outcome: z.string(), summary: z.string() })),
  verdictBefore: z.object({ state: z.string(), description: z.string() }),
  followUpIssue: IssueRef,
  dueAt: z.string(),
  /** The teams that could authorise it, and those whose members may approve it retrospectively. */
  teams: z.array(z.string()),
  reviewers: z.array(z.string()),
  comment: CommentRef,
  /** When the comment was written (GitHub's clock); the head was checked not to have been pushed after it. Absent in older entries. */
  writtenAt: z.string().optional(),
  /** The policy applied (repo:path@blob). */
  policy: z.string().nullable(),
});
export type EmergencyRecord = z.infer<typeof EmergencyRecord>;

/** The `data` of a `retro-approval` entry: the emergency it approves (by audit entry number) and by whom. */
export const RetroApprovalRecord = z.object({
  by: z.string(),
  emergencySeq: z.number().int(),
  emergencyBy: z.string(),
  dueAt: z.string(),
  /** Given after `dueAt`. */
  late: z.boolean(),
  /** Words after the command, as the reviewer wrote them. */
  note: z.string().nullable(),
  followUpIssue: IssueRef,
  comment: CommentRef,
});
export type RetroApprovalRecord = z.infer<typeof RetroApprovalRecord>;

/** The `data` of a `command` entry: a command other than an accepted emergency or retrospective approval, or any refused one. */
export const CommandRecord = z.object({
  /** The command word, lower-cased; null when it was not one. */
  command: z.string().nullable(),
  by: z.string(),
  outcome: z.enum(['accepted', 'refused']),
  /** Why it was refused. */
  reason: z.string().nullable(),
  /** Where the command was given: a pull request, or an issue. */
  issue: z.object({ repo: z.string(), number: z.number(), pullRequest: z.boolean() }),
  comment: CommentRef,
  /** What an accepted command produced (e.g. the verdict of a recheck). */
  result: z.record(z.string(), z.unknown()).nullable(),
});
export type CommandRecord = z.infer<typeof CommandRecord>;

/** The `data` of an `emergency-overdue` entry: the overdue emergency, flagged on its follow-up issue. */
export const EmergencyOverdueRecord = z.object({
  emergencySeq: z.number().int(),
  dueAt: z.string(),
  followUpIssue: IssueRef,
  commentUrl: z.string(),
});
export type EmergencyOverdueRecord = z.infer<typeof EmergencyOverdueRecord>;
