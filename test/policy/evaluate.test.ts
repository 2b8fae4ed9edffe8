import { describe, it, expect } from '@jest/globals';
import { errorVerdict, evaluate, MAX_DESCRIPTION, truncate } from '../../src/policy/evaluate.js';
import type { ChangeControlConfig } from '../../src/policy/config-schema.js';
import type { PullRequestFacts, TicketLookup } from '../../src/policy/facts.js';
import type { ControlName, ControlOutcome, Verdict, VerdictState } from '../../src/policy/verdict.js';
import {
  aCheck,
  aCommit,
  aConfig,
  aFoundTicket,
  aKeySearch,
  aPullRequest,
  aReview,
  gitIdentity,
  HEAD_SHA,
  NOW,
  POLICY,
} from './builders.js';

/** Facts that make each control come out as the given outcome. */
const TICKET: Record<'success' | 'failure', TicketLookup> = {
  success: aFoundTicket(),
  failure: aFoundTicket({ status: 'Awaiting Approval' }),
};
const APPROVAL: Record<ControlOutcome, Pick<PullRequestFacts, 'commits' | 'reviews'>> = {
  success: { commits: [aCommit()], reviews: [aReview('bob', 'APPROVED')] },
  pending: { commits: [aCommit()], reviews: [] },
  failure: { commits: [aCommit(null, { identities: [gitIdentity('author', null, 'x@y.io')] })], reviews: [aReview('bob', 'APPROVED')] },
};
const CHECKS: Record<ControlOutcome, PullRequestFacts['checks']> = {
  success: [aCheck('build', 'success')],
  pending: [aCheck('build', 'pending')],
  failure: [aCheck('build', 'failure')],
};

function verdictFor(input: { ticket: 'success' | 'failure'; approval: ControlOutcome; checks: ControlOutcome }): Verdict {
  return evaluate({
    config: aConfig(),
    policy: POLICY,
    pr: aPullRequest({ ...APPROVAL[input.approval], checks: CHECKS[input.checks] }),
    ticketSearch: aKeySearch(),
    ticketLookups: [TICKET[input.ticket]],
    teamMembers: {},
    now: NOW,
  });
}

function controlsOf(verdict: Verdict): Extract<Verdict, { controls: unknown }>['controls'] {
  if (verdict.state === 'error') throw new Error(`expected an evaluated verdict, got error: ${verdict.description}`);
  return verdict.controls;
}

describe('evaluate: state from the three controls', () => {
  // ticket, approval, checks → verdict state, and the controls the description names as blocking.
  it.each<[ticket: 'success' | 'failure', approval: ControlOutcome, checks: ControlOutcome, state: VerdictState, blocking: ControlName[]]>([
    ['success', 'success', 'success', 'success', []],
    ['success', 'success', 'pending', 'pending', ['checks']],
    ['success', 'success', 'failure', 'failure', ['checks']],
    ['success', 'pending', 'success', 'pending', ['approval']],
    ['success', 'pending', 'pending', 'pending', ['approval', 'checks']],
    ['success', 'pending', 'failure', 'failure', ['checks']],
    ['success', 'failure', 'success', 'failure', ['approval']],
    ['success', 'failure', 'pending', 'failure', ['approval']],
    ['success', 'failure', 'failure', 'failure', ['approval', 'checks']],
    ['failure', 'success', 'success', 'failure', ['ticket']],
    ['failure', 'success', 'pending', 'failure', ['ticket']],
    ['failure', 'success', 'failure', 'failure', ['ticket', 'checks']],
    ['failure', 'pending', 'success', 'failure', ['ticket']],
    ['failure', 'pending', 'pending', 'failure', ['ticket']],
    ['failure', 'pending', 'failure', 'failure', ['ticket', 'checks']],
    ['failure', 'failure', 'success', 'failure', ['ticket', 'approval']],
    ['failure', 'failure', 'pending', 'failure', ['ticket', 'approval']],
    ['failure', 'failure', 'failure', 'failure', ['ticket', 'approval', 'checks']],
  ])('ticket %s, approval %s, checks %s → %s', (ticket, approval, checks, state, blocking) => {
    // Act
    const verdict = verdictFor({ ticket, approval, checks });

    // Assert
    const controls = controlsOf(verdict);
    expect(verdict.state).toBe(state);
    expect(controls.map((c) => [c.control, c.outcome])).toEqual([
      ['ticket', ticket],
      ['approval', approval],
      ['checks', checks],
    ]);
    const expected =
      state === 'success'
        ? `All controls passed: ${controls.map((c) => c.summary).join('; ')}`
        : controls
            .filter((c) => blocking.includes(c.control))
            .map((c) => c.summary)
            .join('; ');
    expect(verdict.description).toBe(expected);
  });

  it('records the pull request, the policy and the evaluation time', () => {
    // Act
    const verdict = verdictFor({ ticket: 'success', approval: 'success', checks: 'success' });

    // Assert
    expect(verdict).toMatchObject({
      state: 'success',
      description: 'All controls passed: Ticket CHG-12 is Approved; Approved on c0ffee1 by bob; Passed: build',
      pullRequest: { owner: 'acme', repo: 'payments', number: 42, headSha: HEAD_SHA, url: 'https://github.com/acme/payments/pull/42' },
      policy: POLICY,
      evaluatedAt: '2024-05-02T12:00:00.000Z',
    });
  });
});

describe('evaluate: the description fits a commit status (≤ 140 characters)', () => {
  const longName = (i: number): string => `integration-tests-against-the-staging-payment-gateway-shard-${i}`;
  const required = [1, 2, 3, 4, 5].map(longName);

  it.each<{ name: string; config: ChangeControlConfig; pr: PullRequestFacts; lookup: TicketLookup; state: VerdictState }>([
    {
      name: 'all controls pass with long check names',
      config: aConfig({ checks: required }),
      pr: aPullRequest({ checks: required.map((n) => aCheck(n, 'success')) }),
      lookup: aFoundTicket(),
      state: 'success',
    },
    {
      name: 'every control blocks with long statuses, teams and check names',
      config: aConfig({
        ticket: { statuses: ['Approved by the Change Advisory Board', 'Scheduled for the next maintenance window'] },
        approval: { count: 3, teams: ['acme/payments-release-managers-emea', 'acme/payments-release-managers-americas'] },
        checks: required,
      }),
      pr: aPullRequest({ reviews: [], checks: [aCheck(longName(1), 'failure')] }),
      lookup: aFoundTicket({ status: 'Waiting for the Change Advisory Board to meet' }),
      state: 'failure',
    },
    {
      name: 'many long checks still pending',
      config: aConfig({ checks: required }),
      pr: aPullRequest({ checks: [] }),
      lookup: aFoundTicket(),
      state: 'pending',
    },
  ])('$name', ({ config, pr, lookup, state }) => {
    // Act
    const verdict = evaluate({
      config,
      policy: POLICY,
      pr,
      ticketSearch: aKeySearch(),
      ticketLookups: lookup === null ? [] : [lookup],
      teamMembers: {},
      now: NOW,
    });

    // Assert
    expect(verdict.state).toBe(state);
    expect(verdict.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    expect(verdict.description).toMatch(/…$/);
  });
});

describe('truncate', () => {
  it.each<{ name: string; text: string; expected: string }>([
    { name: 'a text of exactly 140 characters', text: 'a'.repeat(140), expected: 'a'.repeat(140) },
    { name: 'a longer text, with an ellipsis', text: 'a'.repeat(141), expected: `${'a'.repeat(139)}…` },
    { name: 'an emoji at the cut, dropped whole', text: `${'a'.repeat(138)}🚀🚀`, expected: `${'a'.repeat(138)}…` },
    { name: 'an emoji before the cut, kept whole', text: `${'a'.repeat(137)}🚀🚀`, expected: `${'a'.repeat(137)}🚀…` },
  ])('keeps $name', ({ text, expected }) => {
    // Act
    const result = truncate(text);

    // Assert
    expect(result).toBe(expected);
    expect(result.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
  });
});

describe('errorVerdict', () => {
  const pullRequest = { owner: 'acme', repo: 'payments', number: 42, headSha: HEAD_SHA, url: 'https://github.com/acme/payments/pull/42' };

  it.each<{ name: string; errors: string[]; description: RegExp }>([
    {
      name: 'the first error in the description',
      errors: ['Jira answered 503 for CHG-12', 'second error'],
      description: /^Cannot evaluate: Jira answered 503 for CHG-12$/,
    },
    { name: 'a generic reason when none is given', errors: [], description: /^Cannot evaluate: evaluation failed$/ },
    {
      name: 'a long error, shortened to 140 characters',
      errors: [`acme/payments:.github/change-control.yml: ${'approval.count must be a whole number ≥ 0, got "two" (line 2); '.repeat(4)}`],
      description: /^Cannot evaluate: acme\/payments:\.github\/change-control\.yml: approval\.count .+…$/,
    },
  ])('keeps $name', ({ errors, description }) => {
    // Act
    const verdict = errorVerdict({ pullRequest, policy: null, errors, nextStep: 'Fix the policy file.', now: NOW });

    // Assert
    expect(verdict).toEqual({
      state: 'error',
      description: expect.stringMatching(description),
      pullRequest,
      policy: null,
      errors,
      nextStep: 'Fix the policy file.',
      evaluatedAt: '2024-05-02T12:00:00.000Z',
    });
    expect(verdict.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
  });
});
