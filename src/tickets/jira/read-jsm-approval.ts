import type { TicketApproval } from '../../policy/facts.js';
import { toTicketPerson } from './find-approval-transition.js';
import type { JsmApproval } from './schema.js';

const createdAt = (approval: JsmApproval): number =>
  approval.createdDate?.epochMillis ?? (Date.parse(approval.createdDate?.iso8601 ?? '') || 0);

/**
 * The approval decision of a Jira Service Management request: pending while any approval is pending, else the
 * decision of the latest one. The approvers are everyone who answered `approved` on an approved approval.
 * Null when the request has no approvals at all.
 */
export function readJsmApproval(approvals: JsmApproval[]): TicketApproval | null {
  if (approvals.length === 0) return null;
  const sorted = [...approvals].sort((a, b) => createdAt(a) - createdAt(b));
  const pending = sorted.find((a) => a.finalDecision === 'pending');
  const latest = pending ?? sorted[sorted.length - 1]!;
  const approvedOnes = sorted.filter((a) => a.finalDecision === 'approved');
  const approvers = approvedOnes.flatMap((a) =>
    a.approvers.filter((x) => x.approverDecision === 'approved').map((x) => toTicketPerson(x.approver)),
  );
  return {
    how: 'jsm-approval',
    decision: latest.finalDecision,
    approvers: latest.finalDecision === 'approved' ? approvers : [],
    at: latest.completedDate?.iso8601 ?? null,
    detail: latest.name,
  };
}
