import { describe, it, expect } from '@jest/globals';
import type { TicketConfig } from '../../src/policy/config-schema.js';
import { evaluateTicket } from '../../src/policy/evaluate-ticket.js';
import type { TicketLookup } from '../../src/policy/facts.js';
import type { TicketKeySearch } from '../../src/policy/find-ticket-keys.js';
import { aFoundTicket, aKeySearch, aMissingTicket, aPullRequest, aTicketConfig, NOW } from './builders.js';

interface Row {
  name: string;
  config?: Partial<TicketConfig>;
  search?: Partial<TicketKeySearch>;
  lookup?: TicketLookup | null;
  summary: string;
  nextStep?: string;
}

describe('evaluateTicket', () => {
  it.each<Row>([
    { name: 'an Approved ticket', summary: 'Ticket CHG-12 is Approved' },
    {
      name: 'a status in another case than the policy',
      lookup: aFoundTicket({ status: 'APPROVED' }),
      summary: 'Ticket CHG-12 is APPROVED',
    },
    {
      name: 'any of several approved statuses',
      config: { statuses: ['Approved', 'Scheduled'] },
      lookup: aFoundTicket({ status: 'scheduled' }),
      summary: 'Ticket CHG-12 is scheduled',
    },
    {
      name: 'an allowed issue type, in another case',
      config: { types: ['Standard Change', 'Change'] },
      lookup: aFoundTicket({ issueType: 'CHANGE' }),
      summary: 'Ticket CHG-12 is Approved',
    },
    {
      name: 'a ticket moved to another configured project',
      config: { projects: ['CHG', 'REL'] },
      lookup: aFoundTicket({ key: 'REL-3' }),
      summary: 'Ticket REL-3 is Approved',
    },
    {
      name: 'provider none, with no key at all',
      config: { provider: 'none', projects: [] },
      search: { key: null, source: null },
      lookup: null,
      summary: 'Ticket control is off (ticket.provider: none)',
    },
  ])('passes $name', ({ config, search, lookup, summary }) => {
    // Act
    const result = evaluateTicket({
      config: aTicketConfig(config),
      search: aKeySearch(search),
      lookups: lookup === undefined ? [aFoundTicket()] : lookup === null ? [] : [lookup],
      pr: aPullRequest(),
      now: NOW,
    });

    // Assert
    expect(result).toMatchObject({ control: 'ticket', outcome: 'success', summary, nextStep: null });
  });

  it.each<Row>([
    {
      name: 'no key in the PR',
      search: { key: null, source: null },
      lookup: null,
      summary: 'No CHG ticket in the title, branch or body',
      nextStep: "Put the approved change ticket's key (CHG-123) in the PR title, head branch name or description.",
    },
    {
      name: 'only keys of other projects (named in the summary)',
      search: { key: null, source: null, otherProjectKeys: ['UTF-8', 'OPS-5', 'SHA-256', 'OPS-6'] },
      lookup: null,
      summary: 'No CHG ticket in the title, branch or body (UTF-8, OPS-5, SHA-256 not of CHG)',
    },
    {
      name: 'a key Jira does not know',
      lookup: aMissingTicket('CHG-12'),
      summary: 'Ticket CHG-12 does not exist in Jira',
      nextStep: 'Check the key CHG-12; link an existing CHG ticket.',
    },
    {
      name: 'a key but no lookup',
      lookup: null,
      summary: 'Ticket CHG-12 does not exist in Jira',
    },
    {
      name: 'a ticket awaiting approval (says which status it needs)',
      lookup: aFoundTicket({ status: 'Awaiting Approval' }),
      summary: 'Ticket CHG-12 is Awaiting Approval; it needs Approved',
      nextStep: 'Get CHG-12 moved to Approved in Jira, then re-run the check.',
    },
    {
      name: 'a declined ticket',
      config: { statuses: ['Approved', 'Scheduled'] },
      lookup: aFoundTicket({ status: 'Declined' }),
      summary: 'Ticket CHG-12 is Declined; it needs Approved or Scheduled',
    },
    {
      name: 'a ticket moved to a project outside the policy',
      lookup: aFoundTicket({ key: 'OPS-7' }),
      summary: 'Ticket CHG-12 is now OPS-7, outside CHG',
      nextStep: 'Link a ticket of CHG; OPS-7 belongs to another project.',
    },
    {
      name: 'an issue type the policy does not allow',
      config: { types: ['Change'] },
      lookup: aFoundTicket({ issueType: 'Bug' }),
      summary: 'Ticket CHG-12 is a Bug, not a Change',
      nextStep: 'Link a ticket of type Change.',
    },
    {
      name: 'a status that differs only by an accent',
      config: { statuses: ['Approuvé'] },
      lookup: aFoundTicket({ status: 'Approuve' }),
      summary: 'Ticket CHG-12 is Approuve; it needs Approuvé',
    },
  ])('fails $name', ({ config, search, lookup, summary, nextStep }) => {
    // Act
    const result = evaluateTicket({
      config: aTicketConfig(config),
      search: aKeySearch(search),
      lookups: lookup === undefined ? [aFoundTicket()] : lookup === null ? [] : [lookup],
      pr: aPullRequest(),
      now: NOW,
    });

    // Assert
    expect(result).toMatchObject({ control: 'ticket', outcome: 'failure', summary });
    expect(result.nextStep).toEqual(nextStep ?? expect.any(String));
  });

  it('keeps the facts it used as evidence', () => {
    // Arrange
    const lookup = aFoundTicket({ status: 'Awaiting Approval' });
    const search = aKeySearch({ source: 'branch', otherProjectKeys: ['UTF-8'] });

    // Act
    const result = evaluateTicket({
      config: aTicketConfig({ types: ['Change'] }),
      search,
      lookups: [lookup],
      pr: aPullRequest(),
      now: NOW,
    });

    // Assert
    expect(result.evidence).toEqual({
      source: 'branch',
      key: 'CHG-12',
      otherProjectKeys: ['UTF-8'],
      lookup,
      requiredStatuses: ['Approved'],
      requiredTypes: ['Change'],
      provider: 'jira',
      require: 'any',
      tickets: [
        {
          key: 'CHG-12',
          source: 'branch',
          lookup,
          outcome: 'failure',
          summary: 'Ticket CHG-12 is Awaiting Approval; it needs Approved',
          approvers: [],
          window: null,
          warnings: [],
        },
      ],
      peopleSource: null,
    });
  });
});

describe('evaluateTicket: the ticket the app created (ticket.create)', () => {
  const created = aKeySearch({ key: 'CHG-101', source: 'created', keys: [{ key: 'CHG-101', source: 'created' }] });

  it.each([
    {
      name: 'awaiting approval: the PR waits (pending)',
      lookup: aFoundTicket({ key: 'CHG-101', requestedKey: 'CHG-101', status: 'Awaiting Approval', approval: null }),
      outcome: 'pending',
      summary: 'waiting for approval of CHG-101 — created for this PR (Awaiting Approval)',
    },
    {
      name: 'approved: passes like any ticket',
      lookup: aFoundTicket({ key: 'CHG-101', requestedKey: 'CHG-101' }),
      outcome: 'success',
      summary: 'Ticket CHG-101 is Approved',
    },
    {
      name: 'deleted from Jira: fails',
      lookup: aMissingTicket('CHG-101'),
      outcome: 'failure',
      summary: 'Ticket CHG-101 does not exist in Jira',
    },
  ])('$name', ({ lookup, outcome, summary }) => {
    const result = evaluateTicket({ config: aTicketConfig(), search: created, lookups: [lookup], pr: aPullRequest(), now: NOW });

    expect(result).toMatchObject({ outcome, summary });
  });

  it('a ticket named in the PR that is not approved still fails (only the created one waits)', () => {
    const lookup = aFoundTicket({ status: 'Awaiting Approval', approval: null });

    const result = evaluateTicket({ config: aTicketConfig(), search: aKeySearch(), lookups: [lookup], pr: aPullRequest(), now: NOW });

    expect(result.outcome).toBe('failure');
  });
});
