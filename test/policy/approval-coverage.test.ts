import { describe, it, expect } from '@jest/globals';
import type { CommitFact, PullRequestFacts } from '../../src/policy/facts.js';
import { type ApprovalRow, evaluateRow, expectRow } from './approval-row.js';
import {
  aBaseMerge,
  aChangedFile,
  aCommit,
  aReview,
  aRule,
  AUTHOR,
  BASE_SHA,
  gitIdentity,
  MERGE_SHA,
  MID_SHA,
  OLD_SHA,
} from './builders.js';

/** A commit force-pushed away: GitHub still knows the review's commit, but it is no longer in the PR. */
const GONE_SHA = 'dead0001234567890abcdef1234567890abcdef12';

const TWO_COMMITS: Partial<PullRequestFacts> = { commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aCommit(AUTHOR)] };
/** alice's commit, then erin's merge of the base branch as the head, verified to only bring in the base. */
const CLEAN_MERGE_HEAD: Partial<PullRequestFacts> = {
  commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aBaseMerge('erin')],
  headSha: MERGE_SHA,
  cleanBaseMerges: [MERGE_SHA],
};
const approvedOld = [aReview('bob', 'APPROVED', { commitSha: OLD_SHA })];

describe('segregation of duties: the approval must cover the code being merged', () => {
  it.each<ApprovalRow>([
    {
      name: 'an approval of an earlier commit (invalidate_on_push by default)',
      pr: { ...TWO_COMMITS, reviews: approvedOld },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: 'approved bada551, before the last push to c0ffee1' }],
    },
    {
      name: 'an approval of an earlier commit still in the PR, with invalidate_on_push: false',
      config: { invalidate_on_push: false },
      pr: { ...TWO_COMMITS, reviews: approvedOld },
      outcome: 'success',
      counted: ['bob'],
      summary: 'Approved on c0ffee1 by bob',
    },
    {
      name: 'an approval of the head, with invalidate_on_push: false',
      config: { invalidate_on_push: false },
      pr: { ...TWO_COMMITS, reviews: [aReview('bob', 'APPROVED')] },
      outcome: 'success',
      counted: ['bob'],
    },
    {
      name: 'an approval of a commit no longer in the PR, with invalidate_on_push: false',
      config: { invalidate_on_push: false },
      pr: { ...TWO_COMMITS, reviews: [aReview('bob', 'APPROVED', { commitSha: GONE_SHA })] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: 'approved dead000, before the last push to c0ffee1' }],
    },
    {
      name: 'an approval of a commit GitHub no longer knows, with invalidate_on_push: false',
      config: { invalidate_on_push: false },
      pr: { ...TWO_COMMITS, reviews: [aReview('bob', 'APPROVED', { commitSha: null })] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale' }],
    },
    {
      name: 'an approval before a clean merge of the base branch, with ignore_base_merges',
      config: { ignore_base_merges: true },
      pr: { ...CLEAN_MERGE_HEAD, reviews: approvedOld },
      outcome: 'success',
      counted: ['bob'],
      summary: 'Approved on 1a2b3c4 by bob',
    },
    {
      name: 'an approval before a clean merge of the base branch, without ignore_base_merges',
      pr: { ...CLEAN_MERGE_HEAD, reviews: approvedOld },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: 'approved bada551, before the last push to 1a2b3c4' }],
    },
    {
      name: 'an approval before a merge of the base branch not verified clean',
      config: { ignore_base_merges: true },
      pr: { ...CLEAN_MERGE_HEAD, cleanBaseMerges: [], reviews: approvedOld },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale' }],
    },
    {
      name: 'an approval before a clean merge and a later commit',
      config: { ignore_base_merges: true },
      pr: {
        commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aBaseMerge('erin'), aCommit(AUTHOR)],
        cleanBaseMerges: [MERGE_SHA],
        reviews: approvedOld,
      },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: 'approved bada551, before the last push to c0ffee1' }],
    },
    {
      name: 'an approval before a later commit and a clean merge',
      config: { ignore_base_merges: true },
      pr: {
        ...CLEAN_MERGE_HEAD,
        commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aCommit(AUTHOR, { sha: MID_SHA }), aBaseMerge('erin')],
        reviews: approvedOld,
      },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale' }],
    },
    {
      name: 'an approval of the last commit before a clean merge',
      config: { ignore_base_merges: true },
      pr: {
        ...CLEAN_MERGE_HEAD,
        commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aCommit(AUTHOR, { sha: MID_SHA }), aBaseMerge('erin')],
        reviews: [aReview('bob', 'APPROVED', { commitSha: MID_SHA })],
      },
      outcome: 'success',
      counted: ['bob'],
    },
    {
      name: 'an approval of a base-branch commit (not in the PR), with ignore_base_merges',
      config: { ignore_base_merges: true },
      pr: { ...CLEAN_MERGE_HEAD, reviews: [aReview('bob', 'APPROVED', { commitSha: BASE_SHA })] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale' }],
    },
    {
      name: 'an approval by the author of a clean base merge, with ignore_base_merges',
      config: { ignore_base_merges: true },
      pr: { ...CLEAN_MERGE_HEAD, reviews: [aReview('erin', 'APPROVED', { commitSha: MERGE_SHA })] },
      outcome: 'success',
      counted: ['erin'],
    },
    {
      name: 'an approval by the author of a clean base merge, without ignore_base_merges',
      pr: { ...CLEAN_MERGE_HEAD, reviews: [aReview('erin', 'APPROVED', { commitSha: MERGE_SHA })] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'erin', reason: 'contributor', detail: 'authored 1a2b3c4' }],
    },
    {
      name: 'an approval by the author of a merge not verified clean',
      config: { ignore_base_merges: true },
      pr: { ...CLEAN_MERGE_HEAD, cleanBaseMerges: [], reviews: [aReview('erin', 'APPROVED', { commitSha: MERGE_SHA })] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'erin', reason: 'contributor', detail: 'authored 1a2b3c4' }],
    },
  ])('$name → $outcome', (row) => {
    // Act
    const result = evaluateRow(row);

    // Assert
    expectRow(result, row);
  });

  it('records the commit a counted approval was given on', () => {
    // Act
    const result = evaluateRow({ config: { invalidate_on_push: false }, pr: { ...TWO_COMMITS, reviews: approvedOld } });

    // Assert
    expect(result.evidence.counted).toEqual([{ login: 'bob', commitSha: OLD_SHA, submittedAt: '2024-05-02T10:00:00Z' }]);
  });
});

const GHOST_AUTHOR: CommitFact[] = [
  aCommit(AUTHOR, { sha: OLD_SHA }),
  aCommit(null, { sha: MID_SHA, identities: [gitIdentity('author', null, 'ghost@example.com'), gitIdentity('committer', AUTHOR)] }),
  aCommit(AUTHOR),
];

describe('segregation of duties: commits by people GitHub cannot identify', () => {
  it.each<ApprovalRow>([
    {
      name: 'an unknown author, with an independent approval',
      pr: { commits: GHOST_AUTHOR },
      outcome: 'failure',
      counted: ['bob'],
      summary: 'Commit 3f2a1c9 has an author (ghost@example.com) not tied to a GitHub user',
    },
    {
      name: 'an unknown author, and no approval',
      pr: { commits: GHOST_AUTHOR, reviews: [] },
      outcome: 'failure',
      counted: [],
      summary: 'Commit 3f2a1c9 has an author (ghost@example.com) not tied to a GitHub user',
    },
    {
      name: 'an unknown committer without an email',
      pr: {
        commits: [
          aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), { role: 'committer', login: null, name: null, email: null }] }),
        ],
      },
      outcome: 'failure',
      counted: ['bob'],
      summary: 'Commit c0ffee1 has a committer (no email) not tied to a GitHub user',
    },
    {
      name: 'an unknown author and a blocking request for changes (the unknown author is named)',
      pr: { commits: GHOST_AUTHOR, reviews: [aReview('erin', 'CHANGES_REQUESTED')] },
      outcome: 'failure',
      counted: [],
      summary: 'Commit 3f2a1c9 has an author (ghost@example.com) not tied to a GitHub user',
    },
    {
      name: 'an unknown author, with unattributed_commits: allow',
      config: { unattributed_commits: 'allow' },
      pr: { commits: GHOST_AUTHOR },
      outcome: 'success',
      counted: ['bob'],
      summary: 'Approved on c0ffee1 by bob',
    },
    {
      name: 'an unknown author and no approval, with unattributed_commits: allow',
      config: { unattributed_commits: 'allow' },
      pr: { commits: GHOST_AUTHOR, reviews: [] },
      outcome: 'pending',
      counted: [],
    },
    {
      name: 'an unknown author, with approval.count 0 and no rules',
      config: { count: 0 },
      pr: { commits: GHOST_AUTHOR, reviews: [] },
      outcome: 'success',
      counted: [],
      summary: 'No approval required (approval.count: 0)',
    },
    {
      name: 'an unknown author, with approval.count 0 and a matching rule of count 0',
      config: { count: 0, rules: [aRule(['**'], { count: 0 })] },
      pr: { commits: GHOST_AUTHOR, reviews: [], changedFiles: [aChangedFile('src/a.ts')] },
      outcome: 'success',
      counted: [],
    },
    {
      name: 'an unknown author, with approval.count 0 but a matching rule of count 1',
      config: { count: 0, rules: [aRule(['src/**'])] },
      pr: { commits: GHOST_AUTHOR, changedFiles: [aChangedFile('src/a.ts')] },
      outcome: 'failure',
      counted: ['bob'],
      summary: 'Commit 3f2a1c9 has an author (ghost@example.com) not tied to a GitHub user',
    },
    {
      name: 'an unknown author, with approval.count 0 and a rule of count 1 that does not match',
      config: { count: 0, rules: [aRule(['db/**'])] },
      pr: { commits: GHOST_AUTHOR, reviews: [], changedFiles: [aChangedFile('src/a.ts')] },
      outcome: 'success',
      counted: [],
    },
    {
      name: 'an unknown author of a clean base merge, with ignore_base_merges',
      config: { ignore_base_merges: true },
      pr: {
        ...CLEAN_MERGE_HEAD,
        commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aBaseMerge(null)],
        reviews: [aReview('bob', 'APPROVED', { commitSha: MERGE_SHA })],
      },
      outcome: 'success',
      counted: ['bob'],
    },
    {
      name: 'an unknown author of a clean base merge, without ignore_base_merges',
      pr: {
        ...CLEAN_MERGE_HEAD,
        commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aBaseMerge(null)],
        reviews: [aReview('bob', 'APPROVED', { commitSha: MERGE_SHA })],
      },
      outcome: 'failure',
      counted: ['bob'],
      summary: 'Commit 1a2b3c4 has an author (unknown@example.com) not tied to a GitHub user',
    },
  ])('$name → $outcome', (row) => {
    // Act
    const result = evaluateRow(row);

    // Assert
    expectRow(result, row);
  });

  it.each<{ policy: 'block' | 'allow' }>([{ policy: 'block' }, { policy: 'allow' }])(
    'records each unknown identity with its commit and email ($policy)',
    ({ policy }) => {
      // Act
      const result = evaluateRow({ config: { unattributed_commits: policy }, pr: { commits: GHOST_AUTHOR } });

      // Assert
      expect(result.evidence.unattributedPolicy).toBe(policy);
      expect(result.evidence.unattributed).toEqual([
        { role: 'author', login: null, name: 'Unknown Person', email: 'ghost@example.com', commitSha: MID_SHA },
      ]);
    },
  );

  it('tells how to make the commits attributable', () => {
    // Act
    const result = evaluateRow({ pr: { commits: GHOST_AUTHOR } });

    // Assert
    expect(result.nextStep).toBe(
      'Independence cannot be proven for commits by unknown people: have the author add that email to their GitHub account, or rewrite the commits with a known identity.',
    );
  });
});
