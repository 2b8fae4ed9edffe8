import type { MergeRecord } from '../audit/evidence-records.js';

/** The evidence summary written to a ticket on merge: plain lines, the same for every provider. */
export function renderWriteBack(
  record: Pick<MergeRecord, 'pr' | 'mergeSha' | 'mergedBy' | 'mergedAt' | 'approvers' | 'checks' | 'ticket' | 'atMerge' | 'exceptions'>,
): string[] {
  const approvers = record.approvers.map((a) => `${a.login} (${a.commitSha.slice(0, 7)}, ${a.submittedAt})`).join(', ') || 'none';
  const checks = record.checks.map((c) => `${c.name}=${c.state}`).join(', ') || 'none required';
  return [
    `Merged by Change Control evidence: ${record.pr.url} (#${record.pr.number} "${record.pr.title}" by ${record.pr.author})`,
    `Merge commit: ${record.mergeSha ?? 'unknown'}, merged by ${record.mergedBy ?? 'unknown'} at ${record.mergedAt}`,
    `Ticket approved by: ${record.ticket?.approver ?? 'unknown'}`,
    `Code approvals: ${approvers}`,
    `Checks: ${checks}`,
    `Change control at merge: ${record.atMerge.state}${record.exceptions.length > 0 ? ` (exceptions: ${record.exceptions.join(', ')})` : ''}`,
  ];
}
