import type { AuditEntry } from './audit-entry.js';
import type { RetroStatus } from '../policy/deployed-change.js';
import { RetroApprovalRecord } from './evidence-records.js';

export type { RetroStatus } from '../policy/deployed-change.js';

export interface RetroApproval {
  seq: number;
  at: string;
  by: string;
}

/**
 * The retrospective approval of the emergency recorded in entry `emergencySeq`, among `retro-approval`
 * entries, as known at `now` (an approval recorded later did not exist yet). Null when there is none.
 */
export function findRetroApproval(input: { emergencySeq: number; approvals: readonly AuditEntry[]; now: Date }): RetroApproval | null {
  for (const entry of input.approvals) {
    if (entry.kind !== 'retro-approval' || Date.parse(entry.at) > input.now.getTime()) continue;
    const record = RetroApprovalRecord.safeParse(entry.data);
    if (record.success && record.data.emergencySeq === input.emergencySeq) return { seq: entry.seq, at: entry.at, by: record.data.by };
  }
  return null;
}

/** `overdue`: no retrospective approval and the due time has passed; `approved-late`: approved after it was due. */
export function retroStatus(input: { dueAt: string; approval: RetroApproval | null; now: Date }): RetroStatus {
  const due = Date.parse(input.dueAt);
  if (input.approval) return Date.parse(input.approval.at) > due ? 'approved-late' : 'approved';
  return input.now.getTime() > due ? 'overdue' : 'awaiting';
}
