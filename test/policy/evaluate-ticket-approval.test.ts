import { describe, it, expect } from '@jest/globals';
import type { TicketConfig } from '../../src/policy/config-schema.js';
import { evaluateTicket } from '../../src/policy/evaluate-ticket.js';
import type { PeopleMap, TicketLookup } from '../../src/policy/facts.js';
import type { TicketKeySearch } from '../../src/policy/find-ticket-keys.js';
import { aFoundTicket, aKeySearch, aMissingTicket, anApproval, aPullRequest, aTicketConfig, CHANGE_MANAGER, NOW } from './builders.js';

const PEOPLE: PeopleMap = {
  source: 'acme/.github:.github/change-control-people.yml',
  entries: [
    { login: 'alice', ticketIdentity: 'alice@acme.test' },
    { login: 'cara', ticketIdentity: 'cara@acme.test' },
  ],
};
const ALICE = { accountId: 'a1', email: 'alice@acme.test', displayName: 'Alice Author' };
const TWO_KEYS: Partial<TicketKeySearch> = {
  keys: [
    { key: 'CHG-12', source: 'title' },
    { key: 'CHG-13', source: 'body' },
  ],
};
const WINDOW = { start_field: 'customfield_1', end_field: 'customfield_2' };

interface Row {
  name: string;
  config?: Partial<TicketConfig>;
  search?: Partial<TicketKeySearch>;
  lookups?: TicketLookup[];
  people?: PeopleMap;
  outcome: 'success' | 'failure';
  summary: string;
  nextStep?: string | null;
}

describe('evaluateTicket: approval evidence, cross-system segregation of duties, window, several keys', () => {
  it.each<Row>([
    {
      name: 'an approval by a mapped, independent manager',
      people: PEOPLE,
      outcome: 'success',
      summary: 'Ticket CHG-12 is Approved',
      nextStep: null,
    },
    { name: 'an unmapped approver with unmapped_approver: warn', outcome: 'success', summary: 'Ticket CHG-12 is Approved', nextStep: null },
    {
      name: 'an unmapped approver with unmapped_approver: block',
      config: { unmapped_approver: 'block' },
      outcome: 'failure',
      summary: 'Cara Change (approver of CHG-12) is not tied to any GitHub identity',
      nextStep: "Add the approver of CHG-12 to .github/change-control-people.yml in the organisation's .github repository.",
    },
    {
      name: 'approved by the PR author',
      lookups: [aFoundTicket({ approval: anApproval({ approvers: [ALICE] }) })],
      people: PEOPLE,
      outcome: 'failure',
      summary: 'Ticket CHG-12 was approved by Alice Author, the PR author',
      nextStep: 'Get CHG-12 approved by someone who neither opened nor contributed to this PR.',
    },
    {
      name: 'an approved status with no record of who approved it',
      lookups: [aFoundTicket({ approval: null })],
      outcome: 'failure',
      summary: 'Ticket CHG-12 is Approved but has no record of who approved it (Jira history)',
      nextStep: 'Get CHG-12 approved in Jira (the approval must be recorded on the ticket), then re-run the check.',
    },
    {
      name: 'a pending Service Management approval',
      config: { jsm_approvals: true },
      lookups: [aFoundTicket({ approval: anApproval({ how: 'jsm-approval', decision: 'pending', approvers: [], detail: 'CAB' }) })],
      outcome: 'failure',
      summary: 'Ticket CHG-12: approval "CAB" is pending',
    },
    {
      name: 'a declined Service Management approval',
      config: { jsm_approvals: true },
      lookups: [aFoundTicket({ approval: anApproval({ how: 'jsm-approval', decision: 'declined', approvers: [], detail: 'CAB' }) })],
      outcome: 'failure',
      summary: 'Ticket CHG-12: approval "CAB" is declined',
    },
    {
      name: 'no Service Management approval at all',
      config: { jsm_approvals: true },
      lookups: [aFoundTicket({ approval: null })],
      outcome: 'failure',
      summary: 'Ticket CHG-12 is Approved but has no Service Management approval',
    },
    {
      name: 'an approval that names nobody (an automation moved the ticket)',
      lookups: [aFoundTicket({ approval: anApproval({ approvers: [] }) })],
      outcome: 'failure',
      summary: 'Ticket CHG-12: the approval names no approver',
    },
    {
      name: 'inside the change window',
      config: { window: WINDOW },
      lookups: [aFoundTicket({ window: { start: '2024-05-02T10:00:00.000+0000', end: '2024-05-02T14:00:00.000+0000' } })],
      outcome: 'success',
      summary: 'Ticket CHG-12 is Approved',
    },
    {
      name: 'outside the change window',
      config: { window: WINDOW },
      lookups: [aFoundTicket({ window: { start: '2024-05-03T10:00:00.000Z', end: '2024-05-03T14:00:00.000Z' } })],
      outcome: 'failure',
      summary: 'Ticket CHG-12: change window 2024-05-03T10:00:00.000Z to 2024-05-03T14:00:00.000Z has not started',
      nextStep: 'Merge within the change window of CHG-12, or get the window changed on the ticket.',
    },
    {
      name: 'a window whose fields are empty',
      config: { window: WINDOW },
      lookups: [aFoundTicket({ window: { start: null, end: null } })],
      outcome: 'failure',
      summary: 'Ticket CHG-12: change window is not filled in ((no start) to (no end))',
    },
    {
      name: 'two keys, one approved, require any',
      search: TWO_KEYS,
      lookups: [aFoundTicket(), aFoundTicket({ key: 'CHG-13', requestedKey: 'CHG-13', status: 'Open' })],
      outcome: 'success',
      summary: 'Ticket CHG-12 is Approved (1/2 tickets approved)',
    },
    {
      name: 'two keys, one approved, require all',
      config: { require: 'all' },
      search: TWO_KEYS,
      lookups: [aFoundTicket(), aFoundTicket({ key: 'CHG-13', requestedKey: 'CHG-13', status: 'Open' })],
      outcome: 'failure',
      summary: 'Ticket CHG-13 is Open; it needs Approved (ticket.require: all; 1/2 approved)',
      nextStep: 'Get CHG-13 moved to Approved in Jira, then re-run the check.',
    },
    {
      name: 'two keys, both approved, require all',
      config: { require: 'all' },
      search: TWO_KEYS,
      lookups: [aFoundTicket(), aFoundTicket({ key: 'CHG-13', requestedKey: 'CHG-13' })],
      outcome: 'success',
      summary: 'Ticket CHG-12 is Approved; Ticket CHG-13 is Approved',
    },
    {
      name: 'two keys, neither approved, require any',
      search: TWO_KEYS,
      lookups: [aMissingTicket('CHG-12'), aFoundTicket({ key: 'CHG-13', requestedKey: 'CHG-13', status: 'Open' })],
      outcome: 'failure',
      summary: 'None of CHG-12, CHG-13 is approved: Ticket CHG-12 does not exist in Jira',
    },
    {
      name: 'a ServiceNow change without its record',
      config: { provider: 'servicenow', projects: [], statuses: ['Scheduled'] },
      search: { key: 'CHG0030001', keys: [{ key: 'CHG0030001', source: 'title' }] },
      lookups: [aMissingTicket('CHG0030001')],
      outcome: 'failure',
      summary: 'Ticket CHG0030001 does not exist in ServiceNow',
    },
  ])('$name', ({ config, search, lookups, people, outcome, summary, nextStep }) => {
    // Act
    const result = evaluateTicket({
      config: aTicketConfig(config),
      search: aKeySearch(search),
      lookups: lookups ?? [aFoundTicket()],
      pr: aPullRequest(),
      ...(people ? { people } : {}),
      now: NOW,
    });

    // Assert
    expect({ outcome: result.outcome, summary: result.summary }).toEqual({ outcome, summary });
    if (nextStep !== undefined) expect(result.nextStep).toBe(nextStep);
  });

  it('records each key with its approvers and mapping as evidence', () => {
    const result = evaluateTicket({
      config: aTicketConfig(),
      search: aKeySearch(),
      lookups: [aFoundTicket()],
      pr: aPullRequest(),
      people: PEOPLE,
      now: NOW,
    });

    expect(result.evidence.peopleSource).toBe(PEOPLE.source);
    expect(result.evidence.tickets).toEqual([
      expect.objectContaining({
        key: 'CHG-12',
        outcome: 'success',
        approvers: [
          {
            approver: CHANGE_MANAGER,
            logins: ['cara'],
            via: 'people-file',
            conflict: null,
            detail: 'is @cara (people file): independent of the PR',
          },
        ],
        warnings: [],
      }),
    ]);
  });
});
