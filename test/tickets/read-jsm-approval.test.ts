import { describe, it, expect } from '@jest/globals';
import { readJsmApproval } from '../../src/tickets/jira/read-jsm-approval.js';
import type { JsmApproval } from '../../src/tickets/jira/schema.js';

const CARA = { accountId: 'cara', emailAddress: 'cara@acme.test', displayName: 'Cara Change' };
const DAN = { accountId: 'dan', emailAddress: 'dan@acme.test', displayName: 'Dan Deputy' };

function approval(
  id: string,
  finalDecision: JsmApproval['finalDecision'],
  epochMillis: number,
  decisions: [typeof CARA, JsmApproval['finalDecision']][],
): JsmApproval {
  return {
    id,
    name: `Step ${id}`,
    finalDecision,
    approvers: decisions.map(([approver, approverDecision]) => ({ approver, approverDecision })),
    createdDate: { iso8601: new Date(epochMillis).toISOString(), epochMillis },
    completedDate:
      finalDecision === 'pending' ? null : { iso8601: new Date(epochMillis + 1000).toISOString(), epochMillis: epochMillis + 1000 },
  };
}

describe('readJsmApproval', () => {
  it('is null without approvals', () => {
    expect(readJsmApproval([])).toBeNull();
  });

  it.each<{ name: string; approvals: JsmApproval[]; decision: string; approvers: string[]; detail: string }>([
    {
      name: 'approved: the approvers who said yes',
      approvals: [
        approval('1', 'approved', 1000, [
          [CARA, 'approved'],
          [DAN, 'pending'],
        ]),
      ],
      decision: 'approved',
      approvers: ['cara'],
      detail: 'Step 1',
    },
    {
      name: 'pending',
      approvals: [approval('1', 'pending', 1000, [[CARA, 'pending']])],
      decision: 'pending',
      approvers: [],
      detail: 'Step 1',
    },
    {
      name: 'declined',
      approvals: [approval('1', 'declined', 1000, [[CARA, 'declined']])],
      decision: 'declined',
      approvers: [],
      detail: 'Step 1',
    },
    {
      name: 'declined, then approved on a second request: the latest decides',
      approvals: [approval('2', 'approved', 2000, [[DAN, 'approved']]), approval('1', 'declined', 1000, [[CARA, 'declined']])],
      decision: 'approved',
      approvers: ['dan'],
      detail: 'Step 2',
    },
    {
      name: 'a later step still pending keeps it pending',
      approvals: [approval('1', 'approved', 1000, [[CARA, 'approved']]), approval('2', 'pending', 2000, [[DAN, 'pending']])],
      decision: 'pending',
      approvers: [],
      detail: 'Step 2',
    },
  ])('$name', ({ approvals, decision, approvers, detail }) => {
    const result = readJsmApproval(approvals);

    expect(result).toMatchObject({ how: 'jsm-approval', decision, detail });
    expect(result?.approvers.map((a) => a.accountId)).toEqual(approvers);
  });
});
