import { z } from 'zod';

/**
 * The `data` of `merge` and `exception` audit entries: self-contained, so the audit export (one row per
 * merged PR) needs no other entry and an auditor can read each record on its own.
 */

export const ApproverEvidence = z.object({ login: z.string(), commitSha: z.string(), submittedAt: z.string() });

export const CheckEvidence = z.object({ name: z.string(), state: z.string(), raw: z.string().nullable() });

export const TicketEvidenceRecord = z.object({
  key: z.string(),
  status: z.string().nullable(),
  url: z.string().nullable(),
  /** Who approved the ticket, when the provider tells (Jira changelog / JSM approvals; null until known). */
  approver: z.string().nullable(),
});

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
  /** Exception reasons, empty for a clean merge (e.g. "merged while change-control was pending"). */
  exceptions: z.array(z.string()),
  /** The policy applied (repo:path@blob). */
  policy: z.string().nullable(),
});
export type MergeRecord = z.infer<typeof MergeRecord>;

export const ExceptionRecord = z.object({
  type: z.literal('bypass'),
  mergeSha: z.string().nullable(),
  mergedBy: z.string().nullable(),
  /** What was missing when the PR merged, one line each. */
  missing: z.array(z.string()),
  gateState: z.string().nullable(),
  /** The issue opened for the exception, when it could be opened. */
  issueUrl: z.string().nullable(),
});
export type ExceptionRecord = z.infer<typeof ExceptionRecord>;
