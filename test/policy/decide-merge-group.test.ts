import { describe, expect, it } from '@jest/globals';
import { decideMergeGroup, type GroupMember } from '../../src/policy/decide-merge-group.js';
import type { ControlOutcome, Verdict } from '../../src/policy/verdict.js';

const POLICY = { repo: 'acme/payments', path: '.github/change-control.yml', blobSha: 'b'.repeat(40) };

/** A PR's verdict with the controls' outcomes given (their evidence does not matter to the group). */
function judged(number: number, state: Exclude<Verdict['state'], 'error'>, controls: [string, ControlOutcome, string][] = []): GroupMember {
  const verdict = {
    state,
    description: `#${number} is ${state}`,
    pullRequest: { owner: 'acme', repo: 'payments', number, headSha: String(number).padStart(40, '0'), url: `acme/payments#${number}` },
    policy: POLICY,
    controls: controls.map(([control, outcome, summary]) => ({ control, outcome, summary, nextStep: null, evidence: {} })),
    evaluatedAt: '2026-12-01T10:00:00Z',
  } as unknown as Verdict;
  return { number, kind: 'assessed', verdict };
}

function unjudgeable(number: number): GroupMember {
  const verdict: Verdict = {
    state: 'error',
    description: 'Jira could not be read',
    pullRequest: { owner: 'acme', repo: 'payments', number, headSha: 'c'.repeat(40), url: `acme/payments#${number}` },
    policy: POLICY,
    errors: ['Jira lookup of CHG-1 failed: 503'],
    nextStep: 'Re-run',
    evaluatedAt: '2026-12-01T10:00:00Z',
  };
  return { number, kind: 'assessed', verdict };
}

const passing = (n: number) => judged(n, 'success', [['ticket', 'success', 'CHG-1 is Approved']]);

describe('decideMergeGroup: success only when every PR of the group passes now', () => {
  it.each([
    { case: 'one PR that passes', members: [passing(1)], problems: [], state: 'success', description: /passes: #1$/ },
    { case: 'two PRs that pass', members: [passing(1), passing(2)], problems: [], state: 'success', description: /passes: #1, #2$/ },
    {
      case: 'the second lacks an approval (pending): named with the control',
      members: [passing(1), judged(2, 'pending', [['approval', 'pending', 'Needs 1 more independent approval']])],
      problems: [],
      state: 'failure',
      description: /^Not passing: #2 approval: Needs 1 more independent approval$/,
    },
    {
      case: 'a withdrawn ticket',
      members: [judged(3, 'failure', [['ticket', 'failure', 'CHG-9 is Withdrawn, needs Approved']])],
      problems: [],
      state: 'failure',
      description: /^Not passing: #3 ticket: CHG-9 is Withdrawn/,
    },
    {
      case: 'two failing: the first named, the rest listed',
      members: [judged(4, 'failure', [['checks', 'failure', 'Failed: build']]), judged(5, 'failure', [['ticket', 'failure', 'x']])],
      problems: [],
      state: 'failure',
      description: /^Not passing: #4 checks: Failed: build \(and #5\)$/,
    },
    {
      case: 'a PR that could not be judged (error beats failure)',
      members: [judged(6, 'failure', [['ticket', 'failure', 'x']]), unjudgeable(7)],
      problems: [],
      state: 'error',
      description: /^Could not judge #7 Jira lookup of CHG-1 failed: 503$/,
    },
    {
      case: 'a PR that could not be read',
      members: [passing(1), { number: 8, kind: 'unreadable', reason: '#8 was not judged: not found' } as GroupMember],
      problems: [],
      state: 'error',
      description: /^Could not judge #8 #8 was not judged: not found$/,
    },
    {
      case: 'the group could not be established, even with passing PRs',
      members: [passing(1)],
      problems: ["#9, named by the group's ref, is not an open pull request whose head is in the group"],
      state: 'error',
      description: /^Merge group not judged: #9, named/,
    },
    { case: 'no PR found at all', members: [], problems: [], state: 'error', description: /no pull request of the merge group was found/ },
  ])('$case → $state', ({ members, problems, state, description }) => {
    const verdict = decideMergeGroup({ members, problems });
    expect(verdict.state).toBe(state);
    expect(verdict.description).toMatch(description);
    expect(verdict.description.length).toBeLessThanOrEqual(140);
  });

  it('keeps each PR with its head, state and what does not pass (the evidence)', () => {
    const verdict = decideMergeGroup({
      members: [
        passing(1),
        judged(2, 'failure', [
          ['ticket', 'failure', 'no ticket'],
          ['approval', 'success', 'ok'],
        ]),
      ],
      problems: [],
    });
    expect(verdict.members).toEqual([
      { number: 1, headSha: '1'.padStart(40, '0'), state: 'success', description: '#1 is success', failing: [] },
      { number: 2, headSha: '2'.padStart(40, '0'), state: 'failure', description: '#2 is failure', failing: ['ticket: no ticket'] },
    ]);
  });

  it('shortens a long description to the 140 characters GitHub keeps', () => {
    const verdict = decideMergeGroup({ members: [judged(1, 'failure', [['ticket', 'failure', 'x'.repeat(300)]])], problems: [] });
    expect(verdict.description).toHaveLength(140);
    expect(verdict.description.endsWith('…')).toBe(true);
  });
});
