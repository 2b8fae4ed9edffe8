import { describe, expect, it } from '@jest/globals';
import { decideDeployment, type ChangeEvidence } from '../../src/policy/decide-deployment.js';

const sha = (c: string): string => c.repeat(40);

function change(overrides: Partial<ChangeEvidence> & { prNumber: number }): ChangeEvidence {
  return {
    title: `Change ${overrides.prNumber}`,
    url: `https://github.com/acme/api/pull/${overrides.prNumber}`,
    headSha: sha('a'),
    mergeSha: null,
    commits: [],
    mergeSeq: overrides.prNumber * 10,
    ticket: 'CHG-1',
    gateState: 'success',
    atMergeState: 'success',
    emergency: null,
    ...overrides,
  };
}

const commits = (...cs: string[]) => cs.map((c) => ({ sha: sha(c) }));
const EMERGENCY = { by: 'oncall', seq: 5, retro: 'awaiting' as const, retroBy: null };

describe('decideDeployment', () => {
  it.each([
    {
      name: 'approves a merge commit and the PR commits of an approved change',
      commits: commits('1', '2', 'm'),
      evidence: [change({ prNumber: 1, mergeSha: sha('m'), commits: [sha('1'), sha('2')] })],
      state: 'approved',
      changes: [1],
      uncovered: [],
    },
    {
      name: 'approves nothing new (a redeployment)',
      commits: [],
      evidence: [],
      state: 'approved',
      changes: [],
      uncovered: [],
    },
    {
      name: 'approves a change whose gate was pending but whose verdict at merge passed',
      commits: commits('m'),
      evidence: [change({ prNumber: 1, mergeSha: sha('m'), gateState: 'pending' })],
      state: 'approved',
      changes: [1],
      uncovered: [],
    },
    {
      name: 'approves an emergency change that was merged without a passing verdict, listing it as an emergency',
      commits: commits('m'),
      evidence: [change({ prNumber: 3, mergeSha: sha('m'), gateState: 'failure', atMergeState: 'failure', emergency: EMERGENCY })],
      state: 'approved',
      changes: [3],
      uncovered: [],
    },
    {
      name: 'rejects a commit no merge record covers (a direct push)',
      commits: commits('m', 'd'),
      evidence: [change({ prNumber: 1, mergeSha: sha('m') })],
      state: 'rejected',
      changes: [1],
      uncovered: [sha('d')],
    },
    {
      name: 'rejects the commits of a change merged past a failing gate without an emergency',
      commits: commits('1', 'm'),
      evidence: [change({ prNumber: 2, mergeSha: sha('m'), commits: [sha('1')], gateState: 'pending', atMergeState: 'failure' })],
      state: 'rejected',
      changes: [],
      uncovered: [sha('1'), sha('m')],
    },
    {
      name: 'accepts a commit two PRs contain when one of them was approved',
      commits: commits('1'),
      evidence: [
        change({ prNumber: 4, commits: [sha('1')], gateState: 'failure', atMergeState: 'failure' }),
        change({ prNumber: 5, commits: [sha('1')] }),
      ],
      state: 'approved',
      changes: [5],
      uncovered: [],
    },
  ])('$name', ({ commits: deployed, evidence, state, changes, uncovered }) => {
    const decision = decideDeployment({ commits: deployed, evidence });

    expect(decision.state).toBe(state);
    expect(decision.changes.map((c) => c.prNumber)).toEqual(changes);
    expect(decision.uncovered.map((u) => u.sha)).toEqual(uncovered);
  });

  it('says why a commit is not covered: no PR, or the PR that was not approved', () => {
    const decision = decideDeployment({
      commits: commits('d', 'm'),
      evidence: [change({ prNumber: 7, mergeSha: sha('m'), gateState: 'pending', atMergeState: 'pending' })],
    });

    expect(decision.uncovered).toEqual([
      { sha: sha('d'), reason: expect.stringContaining('no merged pull request recorded by Change Control contains it') },
      {
        sha: sha('m'),
        reason:
          'it came through #7, which was merged without a passing verdict (last verdict pending, at merge pending) and without an emergency authorisation',
      },
    ]);
  });

  it('prefers the approved basis over an emergency when both cover a commit, and lists each change once', () => {
    const decision = decideDeployment({
      commits: commits('1', '2'),
      evidence: [
        change({ prNumber: 8, commits: [sha('1'), sha('2')], emergency: EMERGENCY }),
        change({ prNumber: 9, commits: [sha('1')] }),
      ],
    });

    expect(decision.changes.map((c) => [c.prNumber, c.basis])).toEqual([
      [9, 'approved'],
      [8, 'emergency'],
    ]);
    expect(decision.changes[1]?.emergency).toEqual(EMERGENCY);
  });
});
