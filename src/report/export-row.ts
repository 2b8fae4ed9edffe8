import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-entry.js';
import { retroStatus, type RetroApproval } from '../audit/emergency-status.js';
import { DeploymentBypassRecord } from '../audit/deployment-records.js';
import {
  changeTypeOf,
  EmergencyRecord,
  ExceptionRecord,
  MergeRecord,
  type ChangeType,
  type MergeEvidence,
} from '../audit/evidence-records.js';
import { DirectPushRecord } from '../audit/push-records.js';
import { formatSecurityCounts, securityCounts, type SecurityCountsItem } from './security-counts.js';

/** The columns of `audit export`, in order. `--exceptions` adds `issue_url` and the columns of emergency changes. */
export const EXPORT_COLUMNS = [
  'repo',
  'pr',
  'title',
  'url',
  'author',
  'merged_at',
  'merged_by',
  'merge_sha',
  'head_sha',
  'base',
  'ticket',
  'ticket_status',
  'ticket_approver',
  'approvers',
  'checks',
  'security',
  'gate_state',
  'verdict_at_merge',
  'evidence',
  'exceptions',
  'change_type',
  'standard_class',
  'policy',
  'deployed_to',
  'deployed_at',
  'recorded_by',
  'reconciled_up_to',
  'audit_seq',
  'entry_hash',
] as const;
export const EXCEPTION_COLUMNS = [
  ...EXPORT_COLUMNS,
  'issue_url',
  'type',
  'authorised_by',
  'reason',
  'due_at',
  'retro_approved_by',
  'retro_approved_at',
] as const;

/**
 * What an exception row is: a merge past a non-passing verdict, a success on a gated environment the gate did not
 * approve, an emergency change (overdue: no retrospective approval by its due time), a time when a controlled
 * branch's gate was not in force (src/report/gap-row.ts), or a push to a controlled branch that no merged PR brought.
 */
export type ExceptionType =
  'bypass' | 'evidence-incomplete' | 'emergency' | 'emergency-overdue' | 'deployment-bypass' | 'enforcement-gap' | 'direct-push';
export type ExportColumn = (typeof EXCEPTION_COLUMNS)[number];

/** One merged PR (or one exception) as exported. Lists stay lists here; CSV and HTML flatten them. */
export interface ExportRow {
  repo: string;
  pr: number | null;
  title: string | null;
  url: string | null;
  author: string | null;
  merged_at: string | null;
  merged_by: string | null;
  merge_sha: string | null;
  head_sha: string | null;
  base: string | null;
  ticket: string | null;
  ticket_status: string | null;
  ticket_approver: string | null;
  approvers: Array<{ login: string; commitSha: string; submittedAt: string }>;
  checks: Array<{ name: string; state: string }>;
  /** The security control's counts at merge, one item per source configured (docs/controls.md#security-findings). */
  security: SecurityCountsItem[];
  gate_state: string | null;
  verdict_at_merge: string | null;
  /**
   * How far the merge's evidence goes: `verified` (read back from GitHub), `unverified` (only the claim from the
   * `closed` delivery so far), `incomplete` (facts GitHub cannot give); null on a row without a merge.
   */
  evidence: MergeEvidence | null;
  /** Merge rows: the record's exception types (`bypass`). Exception rows: what was missing, one line each. */
  exceptions: string[];
  /** Merge rows: `standard`, `normal` or `emergency` (docs/tickets.md#standard-changes); null on a row without a merge. */
  change_type: ChangeType | null;
  /** The standard change class that covered the change; null for a normal or emergency change. */
  standard_class: string | null;
  policy: string | null;
  /** The first successful deployment to a gated environment that brought the change (filled in by the export). */
  deployed_to?: string | null;
  deployed_at?: string | null;
  /**
   * What recorded the change: `webhook` (its delivery) or `reconciliation` (recorded late by a reconciliation sweep:
   * its delivery never arrived); null on a row without a merge or push.
   */
  recorded_by?: 'webhook' | 'reconciliation' | null;
  /** Up to when the repository's population was reconciled with GitHub (filled in by the export); null: never. */
  reconciled_up_to?: string | null;
  audit_seq: number;
  entry_hash: string;
  /** Exception rows only: the issue opened about it (for an emergency, its follow-up issue). */
  issue_url?: string | null;
  /** Exception rows only. */
  type?: ExceptionType;
  /** Emergency rows only: who authorised it, why, and its retrospective approval. */
  authorised_by?: string | null;
  reason?: string | null;
  due_at?: string | null;
  retro_approved_by?: string | null;
  retro_approved_at?: string | null;
}

/** An entry whose data is not the record its kind promises: the export stops rather than leave a change out. */
export class RecordShapeError extends Error {
  constructor(entry: AuditEntry, error: z.ZodError) {
    super(`audit entry ${entry.seq} (${entry.kind}) is not a valid ${entry.kind} record: ${z.prettifyError(error).replace(/\n/g, ' ')}`);
    this.name = 'RecordShapeError';
  }
}

function parseRecord<T extends z.ZodType>(schema: T, entry: AuditEntry): z.output<T> {
  const parsed = schema.safeParse(entry.data);
  if (!parsed.success) throw new RecordShapeError(entry, parsed.error);
  return parsed.data;
}

function fromMergeRecord(record: MergeRecord | null): Omit<ExportRow, 'repo' | 'audit_seq' | 'entry_hash'> {
  return {
    pr: record?.pr.number ?? null,
    title: record?.pr.title ?? null,
    url: record?.pr.url ?? null,
    author: record?.pr.author ?? null,
    merged_at: record?.mergedAt ?? null,
    merged_by: record?.mergedBy ?? null,
    merge_sha: record?.mergeSha ?? null,
    head_sha: record?.headSha ?? null,
    base: record?.baseRef ?? null,
    ticket: record?.ticket?.key ?? null,
    ticket_status: record?.ticket?.status ?? null,
    ticket_approver: record?.ticket?.approver ?? null,
    approvers: record?.approvers ?? [],
    checks: (record?.checks ?? []).map((check) => ({ name: check.name, state: check.state })),
    security: securityCounts(record?.security),
    gate_state: record?.gate?.state ?? null,
    verdict_at_merge: record?.atMerge.state ?? null,
    evidence: record ? (record.evidence ?? 'verified') : null,
    exceptions: record?.exceptions ?? [],
    change_type: record ? changeTypeOf(record) : null,
    standard_class: record?.standardChange?.name ?? null,
    policy: record?.policy ?? null,
    recorded_by: record ? (record.recordedBy ?? 'webhook') : null,
  };
}

/** A `merge` entry as a row. */
export function mergeRow(entry: AuditEntry): ExportRow {
  const record = parseRecord(MergeRecord, entry);
  return { repo: entry.repo, ...fromMergeRecord(record), audit_seq: entry.seq, entry_hash: entry.hash };
}

/**
 * An `exception` entry as a row, with the PR's facts from its `merge` entry (null when there is none:
 * the row still appears, with what the exception itself records).
 */
export function exceptionRow(entry: AuditEntry, merge: AuditEntry | null): ExportRow {
  const exception = parseRecord(ExceptionRecord, entry);
  const record = merge ? parseRecord(MergeRecord, merge) : null;
  return {
    repo: entry.repo,
    ...fromMergeRecord(record),
    pr: entry.prNumber,
    head_sha: entry.headSha ?? record?.headSha ?? null,
    merged_by: exception.mergedBy,
    merge_sha: exception.mergeSha,
    gate_state: exception.gateState,
    exceptions: exception.missing,
    audit_seq: entry.seq,
    entry_hash: entry.hash,
    issue_url: exception.issueUrl,
    type: exception.type,
    authorised_by: null,
    reason: null,
    due_at: null,
    retro_approved_by: null,
    retro_approved_at: null,
  };
}

/** A `deployment-bypass` exception as a row: a success on a gated environment that the app did not approve. */
export function deploymentBypassRow(entry: AuditEntry): ExportRow {
  const record = parseRecord(DeploymentBypassRecord, entry);
  return {
    ...fromMergeRecord(null),
    repo: entry.repo,
    head_sha: record.sha,
    exceptions: [record.reason],
    audit_seq: entry.seq,
    entry_hash: entry.hash,
    issue_url: record.issueUrl,
    type: 'deployment-bypass',
    authorised_by: null,
    reason: `deployment ${record.deploymentId} to ${record.environment} reported successful by ${record.statusCreator ?? 'an unknown user'}`,
    due_at: null,
    retro_approved_by: null,
    retro_approved_at: null,
  };
}

/**
 * A `direct-push` exception as a row: the branch in `base`, the new head in `head_sha`, who pushed in `merged_by`
 * (the authenticated sender), the commit authors in `author`, why in `exceptions`, how in `reason`.
 */
export function directPushRow(entry: AuditEntry): ExportRow {
  const record = parseRecord(DirectPushRecord, entry);
  const authors = [...new Set(record.commits.map((c) => c.author.login ?? c.author.email ?? c.author.name ?? 'unknown'))];
  const how = record.deleted ? 'deleted' : record.forced ? 'force-pushed' : 'pushed';
  const counted = record.totalCommits === null ? '' : `, ${record.totalCommits} commit${record.totalCommits === 1 ? '' : 's'}`;
  return {
    ...fromMergeRecord(null),
    repo: entry.repo,
    author: authors.join(', ') || null,
    merged_at: entry.at,
    merged_by: record.sender,
    head_sha: record.deleted ? null : record.after,
    base: record.branch,
    exceptions: record.reasons.map((reason) => reason.trim()),
    policy: record.policy,
    audit_seq: entry.seq,
    entry_hash: entry.hash,
    recorded_by: record.recordedBy ?? 'webhook',
    issue_url: record.issueUrl,
    type: 'direct-push',
    authorised_by: null,
    reason: `${how} to ${record.branch} by ${record.sender ?? 'an unknown account'} (git pusher ${record.pusher.name}), ${record.before.slice(0, 7)}..${record.after.slice(0, 7)}${counted}${record.complete ? '' : ', evidence incomplete'}`,
    due_at: null,
    retro_approved_by: null,
    retro_approved_at: null,
  };
}

/**
 * An `emergency` entry as an exception row: the waived controls and where its retrospective approval stands
 * at `now` (`emergency-overdue` without one past its due time), with the merge facts when the head was merged.
 */
export function emergencyRow(entry: AuditEntry, input: { approval: RetroApproval | null; merge: AuditEntry | null; now: Date }): ExportRow {
  const record = parseRecord(EmergencyRecord, entry);
  const merged = input.merge ? parseRecord(MergeRecord, input.merge) : null;
  const { approval } = input;
  const status = retroStatus({ dueAt: record.dueAt, approval, now: input.now });
  const standing = {
    overdue: `retrospective approval overdue since ${record.dueAt}`,
    awaiting: `retrospective approval due by ${record.dueAt}`,
    approved: `approved retrospectively by ${approval?.by ?? '?'}`,
    'approved-late': `approved retrospectively by ${approval?.by ?? '?'} after it was due (${record.dueAt})`,
  }[status];
  return {
    repo: entry.repo,
    ...fromMergeRecord(merged),
    pr: record.pr.number,
    title: merged?.pr.title ?? record.pr.title,
    url: record.pr.url,
    author: record.pr.author,
    head_sha: entry.headSha ?? record.headSha,
    exceptions: [...record.waived.map((w) => `${w.control}: ${w.summary}`), standing],
    policy: merged?.policy ?? record.policy,
    audit_seq: entry.seq,
    entry_hash: entry.hash,
    issue_url: record.followUpIssue.url,
    type: status === 'overdue' ? 'emergency-overdue' : 'emergency',
    authorised_by: record.by,
    reason: record.reason,
    due_at: record.dueAt,
    retro_approved_by: approval?.by ?? null,
    retro_approved_at: approval?.at ?? null,
  };
}

/** The items of a list column (`login@sha7`, `name=state`, exception lines); null for other columns. */
export function listItems(row: ExportRow, column: ExportColumn): string[] | null {
  switch (column) {
    case 'approvers':
      return row.approvers.map((approver) => `${approver.login}@${approver.commitSha.slice(0, 7)}`);
    case 'checks':
      return row.checks.map((check) => `${check.name}=${check.state}`);
    case 'security':
      return row.security.map(formatSecurityCounts);
    case 'exceptions':
      return row.exceptions;
    default:
      return null;
  }
}

/** A row as text cells, for CSV: lists `;`-joined, null as empty. */
export function rowCells(row: ExportRow, columns: readonly ExportColumn[]): string[] {
  return columns.map((column) => {
    const items = listItems(row, column);
    if (items !== null) return items.join(';');
    const value = row[column as Exclude<ExportColumn, 'approvers' | 'checks' | 'security' | 'exceptions'>];
    return value === null || value === undefined ? '' : String(value);
  });
}
