import { describe, it, expect } from '@jest/globals';
import { findApprovalTransition } from '../../src/tickets/jira/find-approval-transition.js';
import type { JiraHistory } from '../../src/tickets/jira/schema.js';

const CARA = { accountId: '5b10-cara', emailAddress: 'cara@acme.test', displayName: 'Cara Change' };
const DAN = { name: 'dan', key: 'JIRAUSER10100', emailAddress: 'dan@acme.test', displayName: 'Dan Deputy' };

function history(id: string, created: string, to: string, author: JiraHistory['author'] = CARA, from = 'Awaiting Approval'): JiraHistory {
  return { id, author, created, items: [{ field: 'status', fieldId: 'status', fromString: from, toString: to }] };
}
const assignee = (id: string, created: string): JiraHistory => ({
  id,
  author: DAN,
  created,
  items: [{ field: 'assignee', fromString: null, toString: 'Dan' }],
});

describe('findApprovalTransition', () => {
  it.each<{ name: string; histories: JiraHistory[]; statuses?: string[]; expected: unknown }>([
    { name: 'no history', histories: [], expected: null },
    { name: 'only other fields changed', histories: [assignee('1', '2026-05-01T08:00:00.000+0000')], expected: null },
    {
      name: 'moved to another status only',
      histories: [history('1', '2026-05-01T08:00:00.000+0000', 'In Review', CARA, 'Open')],
      expected: null,
    },
    {
      name: 'the transition into the approved status (Cloud user)',
      histories: [assignee('1', '2026-05-01T08:00:00.000+0000'), history('2', '2026-05-01T09:00:00.000+0000', 'Approved')],
      expected: {
        how: 'status-transition',
        decision: 'approved',
        approvers: [{ accountId: '5b10-cara', email: 'cara@acme.test', displayName: 'Cara Change' }],
        at: '2026-05-01T09:00:00.000+0000',
        detail: 'Awaiting Approval → Approved',
      },
    },
    {
      name: 'the latest approval after the ticket was sent back (Data Center user), histories out of order',
      histories: [
        history('3', '2026-05-03T09:00:00.000+0000', 'Approved', DAN),
        history('1', '2026-05-01T09:00:00.000+0000', 'Approved'),
        history('2', '2026-05-02T09:00:00.000+0000', 'Awaiting Approval', DAN, 'Approved'),
      ],
      expected: {
        how: 'status-transition',
        decision: 'approved',
        approvers: [{ accountId: 'dan', email: 'dan@acme.test', displayName: 'Dan Deputy' }],
        at: '2026-05-03T09:00:00.000+0000',
        detail: 'Awaiting Approval → Approved',
      },
    },
    {
      name: 'statuses compared ignoring case, any of several',
      histories: [history('1', '2026-05-01T09:00:00.000+0000', 'cab approved')],
      statuses: ['Approved', 'CAB Approved'],
      expected: expect.objectContaining({ detail: 'Awaiting Approval → cab approved' }),
    },
    {
      name: 'an anonymous transition names nobody',
      histories: [history('1', '2026-05-01T09:00:00.000+0000', 'Approved', null)],
      expected: expect.objectContaining({ approvers: [] }),
    },
  ])('$name', ({ histories, statuses, expected }) => {
    expect(findApprovalTransition(histories, statuses ?? ['Approved'])).toEqual(expected);
  });
});
