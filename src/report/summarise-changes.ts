import type { AuditEntry } from '../audit/audit-entry.js';
import { findRetroApproval, retroStatus } from '../audit/emergency-status.js';
import { currentMerges } from '../audit/current-merges.js';
import { changeTypeOf, EmergencyRecord, MergeRecord } from '../audit/evidence-records.js';
import { RecordShapeError } from './export-row.js';
import type { ChangeException, ChangeSummary } from './change-summary.js';
import { formatSecurityCounts, securityCounts } from './security-counts.js';

export interface ChangeEntries {
  merges: readonly AuditEntry[];
  /** `exception` entries (bypasses) of the same repositories, whatever their time. */
  exceptions: readonly AuditEntry[];
  emergencies: readonly AuditEntry[];
  retroApprovals: readonly AuditEntry[];
}

const prKey = (repo: string, prNumber: number | null): string => `${repo}#${prNumber ?? ''}`;

function groupByPr(entries: readonly AuditEntry[]): Map<string, AuditEntry[]> {
  const groups = new Map<string, AuditEntry[]>();
  for (const entry of entries) {
    const key = prKey(entry.repo, entry.prNumber);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return groups;
}

/**
 * The emergency exception of a merge: the latest authorisation of the merged head before the merge (as the
 * deployment gate reads it), overdue when its retrospective approval is missing past its due time at `now`.
 * An entry that is not an emergency record waives nothing and is passed over.
 */
function emergencyException(input: {
  merge: AuditEntry;
  headSha: string;
  emergencies: readonly AuditEntry[];
  retroApprovals: readonly AuditEntry[];
  now: Date;
}): ChangeException | null {
  for (const entry of [...input.emergencies].reverse()) {
    if (entry.headSha !== input.headSha || entry.seq > input.merge.seq) continue;
    const record = EmergencyRecord.safeParse(entry.data);
    if (!record.success) continue;
    const approval = findRetroApproval({ emergencySeq: entry.seq, approvals: input.retroApprovals, now: input.now });
    return retroStatus({ dueAt: record.data.dueAt, approval, now: input.now }) === 'overdue' ? 'emergency-overdue' : 'emergency';
  }
  return null;
}

/**
 * The merged changes of the `merge` entries, in audit order, with their exceptions as known at `now`. Throws
 * RecordShapeError on a merge entry that is not a merge record: leaving it out would make the population
 * incomplete without anyone noticing (as `audit export` does).
 */
export function summariseChanges(entries: ChangeEntries, now: Date): ChangeSummary[] {
  const bypasses = groupByPr(entries.exceptions);
  const emergencies = groupByPr(entries.emergencies);
  return currentMerges([...entries.merges]).map((merge) => {
    const parsed = MergeRecord.safeParse(merge.data);
    if (!parsed.success) throw new RecordShapeError(merge, parsed.error);
    const record = parsed.data;
    const key = prKey(merge.repo, merge.prNumber);
    const exceptions: ChangeException[] = [];
    // The exception entry is written after its merge entry (a PR merges once). The merge record's `exceptions`
    // also holds `emergency` when an emergency authorisation passed the gate: that is not a bypass.
    const bypassed = record.exceptions.includes('bypass') || (bypasses.get(key) ?? []).some((entry) => entry.seq > merge.seq);
    if (bypassed) exceptions.push('bypass');
    const emergency = emergencyException({
      merge,
      headSha: record.headSha,
      emergencies: emergencies.get(key) ?? [],
      retroApprovals: entries.retroApprovals,
      now,
    });
    if (emergency) exceptions.push(emergency);
    const gateState = record.gate?.state ?? 'none';
    const evidence = record.evidence ?? 'verified';
    return {
      repo: merge.repo,
      prNumber: record.pr.number,
      title: record.pr.title,
      url: record.pr.url,
      author: record.pr.author,
      mergedAt: record.mergedAt,
      mergedBy: record.mergedBy,
      mergeSha: record.mergeSha,
      headSha: record.headSha,
      baseRef: record.baseRef,
      ticket: record.ticket?.key ?? null,
      approvers: record.approvers.map((approver) => approver.login),
      security: securityCounts(record.security).map(formatSecurityCounts),
      gateState,
      atMergeState: record.atMerge.state,
      evidence,
      // An unverified claim or incomplete evidence proves nothing: never shown as passed.
      passed: gateState === 'success' && exceptions.length === 0 && evidence === 'verified',
      exceptions,
      changeType: changeTypeOf(record, emergency !== null),
      standardClass: record.standardChange?.name ?? null,
      mergeSeq: merge.seq,
      at: merge.at,
    };
  });
}
