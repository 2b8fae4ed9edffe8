import { describe, it, expect } from '@jest/globals';
import { evaluate } from '../../src/policy/evaluate.js';
import type { StandardChangeClass, TicketConfig } from '../../src/policy/config-schema.js';
import type { PullRequestFacts, TicketLookup } from '../../src/policy/facts.js';
import { findTicketKeys } from '../../src/policy/find-ticket-keys.js';
import type { TicketResult, Verdict, VerdictState } from '../../src/policy/verdict.js';
import { aCommit, aConfig, aFoundTicket, anApproval, aPullRequest, aPush, bot, NOW, POLICY, user } from './builders.js';

const DEPS: StandardChangeClass = {
  name: 'dependency-updates',
  ticket: 'CHG-1000',
  authors: ['dependabot[bot]'],
  paths: ['package.json', 'package-lock.json'],
  max_changed_lines: 400,
  approval: { count: 0 },
};
const SN_DEPS: StandardChangeClass = { ...DEPS, ticket: 'CHG0001000' };

const botPr = aPullRequest({
  title: 'Bump lodash from 4.17.20 to 4.17.21',
  author: bot('dependabot'),
  commits: [
    aCommit(null, {
      identities: [{ role: 'author', login: null, name: 'dependabot[bot]', email: '1+dependabot[bot]@users.noreply.github.com' }],
    }),
  ],
  pushers: [aPush('dependabot[bot]')],
  reviews: [],
  changedFiles: [{ path: 'package-lock.json', previousPath: null, additions: 12, deletions: 12 }],
});

function standing(overrides: Partial<Extract<TicketLookup, { found: true }>> = {}): TicketLookup {
  return aFoundTicket({ key: 'CHG-1000', requestedKey: 'CHG-1000', summary: 'Standard change: dependency updates', ...overrides });
}

function verdictOf(input: {
  pr: PullRequestFacts;
  lookups: TicketLookup[];
  ticket?: Partial<TicketConfig>;
  classes?: StandardChangeClass[];
}): Verdict {
  const ticket = input.ticket ?? {};
  const config = aConfig({ ticket, standard_changes: input.classes ?? [DEPS] });
  const style = config.ticket.provider === 'servicenow' ? 'servicenow' : 'jira';
  const search = findTicketKeys({ ...input.pr, projects: config.ticket.projects, style });
  return evaluate({ config, policy: POLICY, pr: input.pr, ticketSearch: search, ticketLookups: input.lookups, teamMembers: {}, now: NOW });
}

const ticketOf = (verdict: Verdict): TicketResult | undefined =>
  verdict.state === 'error' ? undefined : verdict.controls.find((c): c is TicketResult => c.control === 'ticket');

const SERVICENOW: Partial<TicketConfig> = { provider: 'servicenow', projects: ['CHG'], statuses: ['Scheduled', 'Implement'] };
const snStanding = (overrides: Partial<Extract<TicketLookup, { found: true }>> = {}) =>
  standing({
    key: 'CHG0001000',
    requestedKey: 'CHG0001000',
    status: 'Scheduled',
    issueType: 'Standard',
    approval: anApproval({ how: 'servicenow-approval', approvers: [], detail: 'Approved' }),
    ...overrides,
  });

describe('a standard change in the verdict', () => {
  it.each<{
    name: string;
    pr: PullRequestFacts;
    lookups: TicketLookup[];
    ticket?: Partial<TicketConfig>;
    classes?: StandardChangeClass[];
    state: VerdictState;
    ticketSummary: string;
    key: string;
  }>([
    {
      name: 'a Dependabot lockfile PR passes under its class, with no review (approval.count 0 for bots)',
      pr: botPr,
      lookups: [standing()],
      state: 'success',
      ticketSummary: 'Standard change dependency-updates: CHG-1000 is Approved',
      key: 'CHG-1000',
    },
    {
      name: 'a standing ticket moved out of Approved fails the PR',
      pr: botPr,
      lookups: [standing({ status: 'In Progress' })],
      state: 'failure',
      ticketSummary: 'Ticket CHG-1000 is In Progress; it needs Approved',
      key: 'CHG-1000',
    },
    {
      name: 'a standing ticket that does not exist fails the PR',
      pr: botPr,
      lookups: [{ found: false, requestedKey: 'CHG-1000', url: 'https://acme.atlassian.net/browse/CHG-1000' }],
      state: 'failure',
      ticketSummary: 'Ticket CHG-1000 does not exist in Jira',
      key: 'CHG-1000',
    },
    {
      name: 'the standing ticket is judged even when the PR names a key of its own',
      pr: { ...botPr, title: 'CHG-12 bump lodash' },
      lookups: [standing({ status: 'Done' }), aFoundTicket()],
      state: 'failure',
      ticketSummary: 'Ticket CHG-1000 is Done; it needs Approved',
      key: 'CHG-1000',
    },
    {
      name: 'the bot touching src/ needs a ticket of its own: none named fails',
      pr: { ...botPr, changedFiles: [{ path: 'src/index.ts', previousPath: null, additions: 1, deletions: 0 }] },
      lookups: [],
      state: 'failure',
      ticketSummary: 'No CHG ticket in the title, branch or body',
      key: '',
    },
    {
      name: 'ServiceNow: a standing standard change with no approval record passes (approved by its template)',
      pr: botPr,
      lookups: [snStanding()],
      ticket: SERVICENOW,
      classes: [SN_DEPS],
      state: 'success',
      ticketSummary: 'Standard change dependency-updates: CHG0001000 is Scheduled',
      key: 'CHG0001000',
    },
    {
      name: 'ServiceNow: a standing change of type Normal fails',
      pr: botPr,
      lookups: [snStanding({ issueType: 'Normal' })],
      ticket: SERVICENOW,
      classes: [SN_DEPS],
      state: 'failure',
      ticketSummary: 'Ticket CHG0001000 is a Normal change, not a standard change (class dependency-updates)',
      key: 'CHG0001000',
    },
    {
      name: 'ServiceNow: a standing standard change whose approval is not approved fails',
      pr: botPr,
      lookups: [
        snStanding({ approval: anApproval({ how: 'servicenow-approval', approvers: [], decision: 'pending', detail: 'Requested' }) }),
      ],
      ticket: SERVICENOW,
      classes: [SN_DEPS],
      state: 'failure',
      ticketSummary: 'Ticket CHG0001000: approval "Requested" is pending',
      key: 'CHG0001000',
    },
  ])('$name', ({ pr, lookups, ticket, classes, state, ticketSummary, key }) => {
    const verdict = verdictOf({ pr, lookups, ...(ticket ? { ticket } : {}), ...(classes ? { classes } : {}) });
    expect(verdict.state).toBe(state);
    expect(ticketOf(verdict)?.summary).toBe(ticketSummary);
    expect(ticketOf(verdict)?.evidence.key ?? '').toBe(key);
  });

  it('records which class matched and why in the verdict', () => {
    const verdict = verdictOf({ pr: botPr, lookups: [standing()] });
    expect(verdict.state === 'error' ? null : verdict.standardChange).toEqual({
      matched: {
        name: 'dependency-updates',
        ticket: 'CHG-1000',
        reasons: ['all 1 changed file match package.json, package-lock.json', '24 changed lines (at most 400)', 'author dependabot[bot]'],
        approvalCount: 0,
        approvalNote: 'approval.count 0 of the class applies: every author is a listed bot',
      },
      checks: [
        {
          name: 'dependency-updates',
          ticket: 'CHG-1000',
          matched: true,
          reasons: ['all 1 changed file match package.json, package-lock.json', '24 changed lines (at most 400)', 'author dependabot[bot]'],
        },
      ],
    });
    expect(ticketOf(verdict)?.evidence.tickets?.[0]?.source).toBe('standard-change');
  });

  it('a human in a class keeps the policy approval count: without a review the PR waits', () => {
    const humanClass: StandardChangeClass = { ...DEPS, authors: ['alice'] };
    const pr = { ...botPr, author: user('alice'), commits: [aCommit('alice')], pushers: [aPush('alice')] };
    const verdict = verdictOf({ pr, lookups: [standing()], classes: [humanClass] });
    expect(verdict.state).toBe('pending');
    expect(verdict.state === 'error' ? null : verdict.standardChange?.matched?.approvalNote).toBe(
      'approval.count 0 of the class does not apply: not every author is a bot (approval.count 1 applies)',
    );
  });

  it('a policy without classes records no standard change', () => {
    const verdict = verdictOf({ pr: aPullRequest(), lookups: [aFoundTicket()], classes: [] });
    expect(verdict.state === 'error' ? 'error' : verdict.standardChange).toBeUndefined();
  });
});
