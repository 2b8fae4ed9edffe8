import { describe, expect, it } from '@jest/globals';
import { findUnrecorded, type BranchCommit } from '../../src/policy/find-unrecorded.js';
import type { AssociatedPullRequest } from '../../src/policy/judge-push.js';

const sha = (n: number): string => n.toString(16).padStart(40, '0');
const merged = (number: number, mergeCommit: number, baseRefName = 'main'): AssociatedPullRequest => ({
  number,
  merged: true,
  baseRefName,
  mergeCommit: sha(mergeCommit),
});
const commit = (n: number, pullRequests: AssociatedPullRequest[] = []): BranchCommit => ({ sha: sha(n), parent: sha(n - 1), pullRequests });

interface Case {
  commits: BranchCommit[];
  merges?: Array<{ number: number; baseRef: string }>;
  recordedMerges?: number[];
  recordedShas?: number[];
  lateMerges: number[];
  push: { before: number | null; after: number; shas: number[] } | null;
}

describe('findUnrecorded', () => {
  it.each<[string, Case]>([
    ['nothing found, nothing lacking', { commits: [], lateMerges: [], push: null }],
    [
      'a merge GitHub lists that the store lacks is late; its merge commit and PR commits are the merge, not a push',
      {
        commits: [commit(12, [merged(7, 12)]), commit(11, [merged(7, 12)])],
        merges: [{ number: 7, baseRef: 'main' }],
        lateMerges: [7],
        push: null,
      },
    ],
    [
      'a merge the store has is not queued again',
      { commits: [commit(12, [merged(7, 12)])], merges: [{ number: 7, baseRef: 'main' }], recordedMerges: [7], lateMerges: [], push: null },
    ],
    [
      'a commit no PR brought and no push recorded is a late push from its parent',
      { commits: [commit(12, [merged(7, 12)]), commit(11)], lateMerges: [], push: { before: 10, after: 11, shas: [11] } },
    ],
    [
      'direct commits around a merge are one push from the oldest one’s parent to the newest',
      {
        commits: [commit(14), commit(13, [merged(7, 13)]), commit(12)],
        lateMerges: [],
        push: { before: 11, after: 14, shas: [14, 12] },
      },
    ],
    [
      'a commit a recorded direct push named is not checked again',
      { commits: [commit(11)], recordedShas: [11], lateMerges: [], push: null },
    ],
    [
      'a PR merged into another branch does not account for a commit on this one',
      { commits: [commit(11, [merged(3, 11, 'release')])], lateMerges: [], push: { before: 10, after: 11, shas: [11] } },
    ],
    [
      'a PR whose merge commit is not on the branch does not account for a commit (pushed first, merged elsewhere later)',
      { commits: [commit(11, [merged(3, 99)])], lateMerges: [], push: { before: 10, after: 11, shas: [11] } },
    ],
    [
      'a PR whose merge commit the store recorded (before the window) accounts for its commits',
      { commits: [commit(11, [merged(3, 99)])], recordedShas: [99], lateMerges: [], push: null },
    ],
    [
      'an open PR holding the commit does not account for it',
      {
        commits: [commit(11, [{ number: 4, merged: false, baseRefName: 'main', mergeCommit: null }])],
        lateMerges: [],
        push: { before: 10, after: 11, shas: [11] },
      },
    ],
    [
      'a root commit has nothing before it',
      { commits: [{ sha: sha(1), parent: null, pullRequests: [] }], lateMerges: [], push: { before: null, after: 1, shas: [1] } },
    ],
  ])('%s', (_case, c) => {
    const result = findUnrecorded({
      merges: c.merges ?? [],
      commits: new Map([['main', c.commits]]),
      recordedMerges: new Set(c.recordedMerges ?? []),
      recordedShas: new Set((c.recordedShas ?? []).map(sha)),
    });
    expect(result.merges.map((m) => m.number)).toEqual(c.lateMerges);
    expect(result.pushes).toEqual(
      c.push === null
        ? []
        : [
            {
              branch: 'main',
              before: c.push.before === null ? null : sha(c.push.before),
              after: sha(c.push.after),
              shas: c.push.shas.map(sha),
            },
          ],
    );
  });
});
