import { describe, expect, it } from '@jest/globals';
import { applyEmergency, noteVoidedEmergency, waivedControls } from '../../src/policy/apply-emergency.js';
import type { EmergencyAuthorisation } from '../../src/policy/emergency-override.js';
import { errorVerdict, evaluate, pullRequestRef } from '../../src/policy/evaluate.js';
import type { Verdict } from '../../src/policy/verdict.js';
import { aCheck, aConfig, aFoundTicket, aKeySearch, aPullRequest, aReview, HEAD_SHA, NOW, OLD_SHA, POLICY } from './builders.js';

const TEAMS = { teams: ['acme/incident-commanders'] };

function anAuthorisation(overrides: Partial<EmergencyAuthorisation> = {}): EmergencyAuthorisation {
  return {
    by: 'carol',
    reason: 'INC-4711 card payments failing',
    at: '2024-05-02T11:00:00.000Z',
    headSha: HEAD_SHA,
    followUpIssue: { repo: 'acme/payments', number: 43, url: 'https://github.com/acme/payments/issues/43' },
    dueAt: '2024-05-05T11:00:00.000Z',
    auditSeq: 17,
    ...overrides,
  };
}

/** A verdict of the three controls: by default the approval is missing (pending) and `build` failed. */
function aVerdict(input: { reviews?: boolean; build?: 'success' | 'failure' | 'pending' } = {}): Verdict {
  const pr = aPullRequest({
    reviews: input.reviews ? [aReview('bob', 'APPROVED')] : [],
    checks: [aCheck('build', input.build ?? 'failure')],
  });
  return evaluate({
    config: aConfig(),
    policy: POLICY,
    pr,
    ticketSearch: aKeySearch(),
    ticketLookups: [aFoundTicket()],
    teamMembers: {},
    now: NOW,
  });
}

const jiraDown = errorVerdict({
  pullRequest: pullRequestRef(aPullRequest()),
  policy: POLICY,
  errors: ['Jira lookup of CHG-12 failed: 503 Service Unavailable'],
  nextStep: 'Re-run the Change control check once Jira is reachable.',
  now: NOW,
});
const githubDown = errorVerdict({
  pullRequest: pullRequestRef(aPullRequest()),
  policy: null,
  errors: ['GitHub could not be read: 502'],
  nextStep: 'Re-run',
  now: NOW,
});

describe('applyEmergency', () => {
  it('passes a failing verdict authorised on its head, keeping the controls and listing what was waived', () => {
    const verdict = aVerdict();

    const result = applyEmergency({ verdict, authorisation: anAuthorisation(), emergency: TEAMS });

    expect(result).toMatchObject({
      state: 'success',
      description: 'Emergency change authorised by carol',
      evaluatedAt: verdict.evaluatedAt,
    });
    if (result.state === 'error' || verdict.state === 'error') throw new Error('expected controls');
    expect(result.controls).toEqual(verdict.controls);
    expect(result.emergency).toEqual({
      by: 'carol',
      reason: 'INC-4711 card payments failing',
      at: '2024-05-02T11:00:00.000Z',
      followUpIssue: { repo: 'acme/payments', number: 43, url: 'https://github.com/acme/payments/issues/43' },
      dueAt: '2024-05-05T11:00:00.000Z',
      auditSeq: 17,
      waived: [
        { control: 'approval', outcome: 'pending', summary: expect.stringMatching(/Needs 1 more independent approval/) },
        { control: 'checks', outcome: 'failure', summary: expect.stringMatching(/build/) },
      ],
    });
  });

  it('waives an evaluation error of a valid policy (Jira unreachable), saying so', () => {
    const result = applyEmergency({ verdict: jiraDown, authorisation: anAuthorisation(), emergency: TEAMS });

    expect(result).toMatchObject({
      state: 'success',
      policy: POLICY,
      controls: [],
      emergency: {
        waived: [{ control: 'evaluation', outcome: 'error', summary: 'Jira lookup of CHG-12 failed: 503 Service Unavailable' }],
      },
    });
  });

  it.each([
    ['no authorisation', aVerdict(), null, TEAMS],
    ['an authorisation of an earlier head (a push needs a new one)', aVerdict(), anAuthorisation({ headSha: OLD_SHA }), TEAMS],
    ['a verdict that passes on its own', aVerdict({ reviews: true, build: 'success' }), anAuthorisation(), TEAMS],
    ['an invalid policy (no valid emergency.teams)', jiraDown, anAuthorisation(), null],
    ['a policy whose emergency path was switched off since', aVerdict(), anAuthorisation(), { teams: [] }],
    ['an error without a policy (GitHub unreadable)', githubDown, anAuthorisation(), TEAMS],
  ])('changes nothing for %s', (_case, verdict, authorisation, emergency) => {
    expect(applyEmergency({ verdict, authorisation, emergency })).toBe(verdict);
  });

  it('keeps the description within the 140 characters of a commit status', () => {
    const result = applyEmergency({ verdict: aVerdict(), authorisation: anAuthorisation({ by: 'a'.repeat(139) }), emergency: TEAMS });

    expect(result.description.length).toBeLessThanOrEqual(140);
  });
});

describe('waivedControls', () => {
  it('lists only the controls that did not pass', () => {
    expect(waivedControls(aVerdict({ reviews: true })).map((w) => w.control)).toEqual(['checks']);
  });

  it('lists nothing for a passing verdict', () => {
    expect(waivedControls(aVerdict({ reviews: true, build: 'success' }))).toEqual([]);
  });
});

describe('noteVoidedEmergency', () => {
  it('names an authorisation of an earlier head on a verdict that does not pass', () => {
    const result = noteVoidedEmergency({ verdict: aVerdict(), latest: anAuthorisation({ headSha: OLD_SHA }) });

    expect(result.state).toBe('failure');
    expect(result.state !== 'error' && result.voidedEmergency).toEqual({
      by: 'carol',
      headSha: OLD_SHA,
      at: '2024-05-02T11:00:00.000Z',
      auditSeq: 17,
    });
  });

  it.each([
    { case: 'no authorisation', verdict: aVerdict(), latest: null },
    { case: 'an authorisation of this head', verdict: aVerdict(), latest: anAuthorisation() },
    {
      case: 'a verdict that passes on its own',
      verdict: aVerdict({ reviews: true, build: 'success' }),
      latest: anAuthorisation({ headSha: OLD_SHA }),
    },
    { case: 'an error verdict', verdict: jiraDown, latest: anAuthorisation({ headSha: OLD_SHA }) },
  ])('changes nothing for $case', ({ verdict, latest }) => {
    expect(noteVoidedEmergency({ verdict, latest })).toBe(verdict);
  });
});
