import type { TicketApproval, TicketPerson } from '../../policy/facts.js';
import type { JiraHistory, JiraUser } from './schema.js';

export function toTicketPerson(user: JiraUser): TicketPerson {
  return {
    // Cloud identifies users by accountId; Data Center by user name (key is an internal id).
    accountId: user.accountId ?? user.name ?? user.key ?? null,
    email: user.emailAddress ?? null,
    displayName: user.displayName ?? null,
  };
}

const isStatusItem = (item: JiraHistory['items'][number]): boolean => item.fieldId === 'status' || item.field === 'status';

/**
 * Who moved the issue into an approved status, from its whole history: the latest transition into one of
 * `approvedStatuses` (compared ignoring case), so a ticket sent back and approved again names the second approver.
 * Null when the history shows no such transition (e.g. the issue was created in that status).
 */
export function findApprovalTransition(histories: JiraHistory[], approvedStatuses: string[]): TicketApproval | null {
  const approved = new Set(approvedStatuses.map((s) => s.toLowerCase()));
  const sorted = [...histories].sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
  let found: TicketApproval | null = null;
  for (const history of sorted) {
    const item = history.items.find((i) => isStatusItem(i) && approved.has((i.toString ?? '').toLowerCase()));
    if (!item) continue;
    found = {
      how: 'status-transition',
      decision: 'approved',
      approvers: history.author ? [toTicketPerson(history.author)] : [],
      at: history.created,
      detail: `${item.fromString ?? '?'} → ${item.toString ?? '?'}`,
    };
  }
  return found;
}
