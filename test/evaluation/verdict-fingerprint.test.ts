import { describe, expect, it } from '@jest/globals';
import { verdictFingerprint } from '../../src/evaluation/record-verdict.js';
import type { Verdict } from '../../src/policy/verdict.js';

const PULL_REQUEST = {
  owner: 'acme',
  repo: 'payments',
  number: 7,
  headSha: 'a'.repeat(40),
  url: 'https://github.com/acme/payments/pull/7',
};
const POLICY = { repo: 'acme/payments', path: '.github/change-control.yml', blobSha: 'b'.repeat(40) };

function verdict(overrides: Partial<Extract<Verdict, { state: 'error' }>> = {}): Verdict {
  return {
    state: 'error',
    description: 'Jira could not be read',
    pullRequest: PULL_REQUEST,
    policy: POLICY,
    errors: ['Jira lookup of CHG-1 failed: 503'],
    nextStep: 'Re-run the Change control check once Jira is reachable.',
    evaluatedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('verdictFingerprint (audit de-duplication)', () => {
  it.each([
    { change: 'the evaluation time only', overrides: { evaluatedAt: '2026-12-01T11:30:00.000Z' }, same: true },
    { change: 'nothing', overrides: {}, same: true },
    { change: 'the head commit', overrides: { pullRequest: { ...PULL_REQUEST, headSha: 'c'.repeat(40) } }, same: false },
    { change: 'the policy blob', overrides: { policy: { ...POLICY, blobSha: 'd'.repeat(40) } }, same: false },
    { change: 'the reasons', overrides: { errors: ['Jira lookup of CHG-2 failed: 503'] }, same: false },
  ])('$change changed: same fingerprint is $same', ({ overrides, same }) => {
    const first = verdictFingerprint(verdict());
    const second = verdictFingerprint(verdict(overrides));
    expect(first === second).toBe(same);
  });

  it('does not depend on the order of keys (canonical JSON)', () => {
    const { errors, nextStep, ...rest } = verdict() as Extract<Verdict, { state: 'error' }>;
    const reordered = { nextStep, errors, ...rest } as Verdict;
    expect(verdictFingerprint(reordered)).toBe(verdictFingerprint(verdict()));
  });
});
