import { describe, expect, it } from '@jest/globals';
import { decide, type Grounds } from '../../src/policy/decide.js';
import type { EmergencyAuthorisation } from '../../src/policy/emergency-override.js';

const HEAD = 'a'.repeat(40);
const NOW = new Date('2026-12-01T10:00:00Z');
const POLICY = { repo: 'acme/payments', path: '.github/change-control.yml', blobSha: 'b'.repeat(40) };

const jiraDown: Grounds = {
  kind: 'error',
  pullRequest: { owner: 'acme', repo: 'payments', number: 7, headSha: HEAD, url: 'https://github.com/acme/payments/pull/7' },
  policy: POLICY,
  errors: ['Jira lookup of CHG-1 failed: 503'],
  nextStep: 'Re-run the Change control check once Jira is reachable.',
  now: NOW,
};

function authorisation(headSha: string): EmergencyAuthorisation {
  return {
    by: 'ivan',
    reason: 'payments down',
    at: '2026-12-01T09:00:00Z',
    headSha,
    followUpIssue: { repo: 'acme/payments', number: 8, url: 'https://github.com/acme/payments/issues/8' },
    dueAt: '2026-12-02T09:00:00Z',
    auditSeq: 12,
  };
}

describe('decide: every verdict from one pure function', () => {
  it.each([
    { case: 'no emergency', emergency: undefined, state: 'error' },
    { case: 'no authorisation', emergency: { authorisation: null, config: { teams: ['acme/sre'] } }, state: 'error' },
    {
      case: 'an authorisation of another head',
      emergency: { authorisation: authorisation('c'.repeat(40)), config: { teams: ['acme/sre'] } },
      state: 'error',
    },
    {
      case: 'an authorisation, but no emergency path any more',
      emergency: { authorisation: authorisation(HEAD), config: { teams: [] } },
      state: 'error',
    },
    {
      case: 'an authorisation of this head',
      emergency: { authorisation: authorisation(HEAD), config: { teams: ['acme/sre'] } },
      state: 'success',
    },
  ])('a fact that could not be had, $case: $state', ({ emergency, state }) => {
    const verdict = decide({ grounds: jiraDown, emergency });
    expect(verdict.state).toBe(state);
    expect(verdict.evaluatedAt).toBe(NOW.toISOString());
  });

  it('an error verdict carries the reasons and the next step', () => {
    expect(decide({ grounds: jiraDown })).toMatchObject({
      state: 'error',
      errors: jiraDown.kind === 'error' ? jiraDown.errors : [],
      policy: POLICY,
    });
  });
});
