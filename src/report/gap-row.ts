import type { EnforcementGap } from './enforcement-gaps.js';
import type { ExportRow } from './export-row.js';

/**
 * An enforcement gap as an exception row (`type: enforcement-gap`): the branch in `base`, when and how in
 * `reason`, why in `exceptions`. It names no change: the merges into the branch during the gap are the
 * population an auditor tests further (their merge rows show whether they passed the gate anyway).
 */
export function gapRow(gap: EnforcementGap): ExportRow {
  return {
    repo: gap.repo,
    pr: null,
    title: null,
    url: null,
    author: null,
    merged_at: null,
    merged_by: null,
    merge_sha: null,
    head_sha: null,
    base: gap.branch,
    ticket: null,
    ticket_status: null,
    ticket_approver: null,
    approvers: [],
    checks: [],
    security: [],
    gate_state: null,
    verdict_at_merge: null,
    evidence: null,
    exceptions: gap.reasons,
    change_type: null,
    standard_class: null,
    policy: null,
    audit_seq: gap.seq,
    entry_hash: gap.hash,
    issue_url: null,
    type: 'enforcement-gap',
    authorised_by: null,
    reason: `change-control ${gap.status} on ${gap.branch} from ${gap.from} ${gap.to === null ? 'and still at the end of the record' : `until ${gap.to}`}`,
    due_at: null,
    retro_approved_by: null,
    retro_approved_at: null,
  };
}
