import type { AuditEntry } from '../../audit/audit-entry.js';
import type { MergeRecord } from '../../audit/evidence-records.js';
import type { ApprovalResult, ChecksResult, SecurityResult, TicketResult, Verdict } from '../../policy/verdict.js';

/** The evidence of the merge: approvals on the merged head, its checks and the ticket state at merge time. */
export function mergeEvidence(verdict: Verdict): Pick<MergeRecord, 'ticket' | 'approvers' | 'checks' | 'security' | 'standardChange'> {
  if (verdict.state === 'error') return { ticket: null, approvers: [], checks: [], security: null };
  const ticket = verdict.controls.find((c): c is TicketResult => c.control === 'ticket');
  const approval = verdict.controls.find((c): c is ApprovalResult => c.control === 'approval');
  const checks = verdict.controls.find((c): c is ChecksResult => c.control === 'checks');
  const security = verdict.controls.find((c): c is SecurityResult => c.control === 'security');
  const lookup = ticket?.evidence.lookup;
  const approvers = lookup?.found ? (lookup.approval?.approvers ?? []) : [];
  const approver =
    approvers
      .map((a) => a.email ?? a.displayName ?? a.accountId)
      .filter((a): a is string => a !== null)
      .join(', ') || null;
  const standard = verdict.standardChange?.matched;
  return {
    ...(standard ? { standardChange: { name: standard.name, ticket: standard.ticket } } : {}),
    ticket: ticket?.evidence.key
      ? {
          key: lookup?.found ? lookup.key : ticket.evidence.key,
          status: lookup?.found ? lookup.status : null,
          url: lookup?.url ?? null,
          approver,
        }
      : null,
    approvers: approval?.evidence.counted ?? [],
    checks: (checks?.evidence.required ?? []).map((r) => ({ name: r.name, state: r.state, raw: r.result?.raw ?? null })),
    security: security
      ? {
          codeScanning: security.evidence.codeScanning?.analysed ? security.evidence.codeScanning.counts : null,
          dependencies: security.evidence.dependencies?.counts ?? null,
        }
      : null,
  };
}

/** What the merged change lacked: the gate's last word and each control that did not pass at merge time. */
export function missingAtMerge(gate: AuditEntry | undefined, atMerge: Verdict): string[] {
  const missing = gate
    ? [
        `the last verdict on the merged head was ${String((gate.data.verdict as Verdict).state)}: ${(gate.data.verdict as Verdict).description}`,
      ]
    : ['no change-control verdict was recorded for the merged head'];
  if (atMerge.state === 'error') return [...missing, `at merge: ${atMerge.errors.join('; ')}`];
  for (const c of atMerge.controls) if (c.outcome !== 'success') missing.push(`${c.control}: ${c.summary}`);
  return missing;
}
