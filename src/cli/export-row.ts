import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-entry.js';
import { ExceptionRecord, MergeRecord } from '../audit/evidence-records.js';

/** The columns of `audit export`, in order. `--exceptions` adds `issue_url`. */
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
  'gate_state',
  'verdict_at_merge',
  'exceptions',
  'policy',
  'audit_seq',
  'entry_hash',
] as const;
export const EXCEPTION_COLUMNS = [...EXPORT_COLUMNS, 'issue_url'] as const;
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
  gate_state: string | null;
  verdict_at_merge: string | null;
  /** Merge rows: the record's exception types (`bypass`). Exception rows: what was missing, one line each. */
  exceptions: string[];
  policy: string | null;
  audit_seq: number;
  entry_hash: string;
  /** Exception rows only: the issue opened about it. */
  issue_url?: string | null;
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
    gate_state: record?.gate?.state ?? null,
    verdict_at_merge: record?.atMerge.state ?? null,
    exceptions: record?.exceptions ?? [],
    policy: record?.policy ?? null,
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
  };
}

/** The items of a list column (`login@sha7`, `name=state`, exception lines); null for other columns. */
export function listItems(row: ExportRow, column: ExportColumn): string[] | null {
  switch (column) {
    case 'approvers':
      return row.approvers.map((approver) => `${approver.login}@${approver.commitSha.slice(0, 7)}`);
    case 'checks':
      return row.checks.map((check) => `${check.name}=${check.state}`);
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
    const value = row[column as Exclude<ExportColumn, 'approvers' | 'checks' | 'exceptions'>];
    return value === null || value === undefined ? '' : String(value);
  });
}
