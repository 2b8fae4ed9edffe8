import { describe, it, expect } from '@jest/globals';
import type { CommitFact, TeamMembers } from '../../src/policy/facts.js';
import { type ApprovalRow, evaluateRow, expectRow } from './approval-row.js';
import { aCommit, aPush, aReview, AUTHOR, bot, gitIdentity, OLD_SHA } from './builders.js';

const T1 = '2024-05-02T10:00:00Z';
const T2 = '2024-05-02T11:00:00Z';
const T3 = '2024-05-02T11:30:00Z';

/** alice opened the PR and wrote both commits; erin committed (rebased) the head, frank co-authored it, dave pushed it. */
const SHARED_WORK: CommitFact[] = [
  aCommit(AUTHOR, { sha: OLD_SHA }),
  aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), gitIdentity('co-author', 'frank'), gitIdentity('committer', 'erin')] }),
];
const SHARED_PR = { commits: SHARED_WORK, pushers: [aPush('dave')] };

describe('segregation of duties: contributors do not approve their own change', () => {
  it.each<ApprovalRow>([
    {
      name: 'the committer of a commit',
      pr: { ...SHARED_PR, reviews: [aReview('erin', 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'erin', reason: 'contributor', detail: 'committed c0ffee1' }],
    },
    {
      name: 'a co-author (Co-authored-by)',
      pr: { ...SHARED_PR, reviews: [aReview('frank', 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'frank', reason: 'contributor', detail: 'co-authored c0ffee1' }],
    },
    {
      name: 'someone who pushed to the head branch while the PR was open',
      pr: { ...SHARED_PR, reviews: [aReview('dave', 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'dave', reason: 'contributor', detail: 'pushed c0ffee1' }],
    },
    {
      name: 'a pusher approving under another case of their login',
      pr: { pushers: [aPush('Dave')], reviews: [aReview('dave', 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'dave', reason: 'contributor', detail: 'pushed c0ffee1' }],
    },
    {
      name: 'the PR author who wrote none of the commits',
      pr: { commits: [aCommit('erin')], reviews: [aReview(AUTHOR, 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: AUTHOR, reason: 'author', detail: 'is the PR author' }],
    },
    {
      name: 'contributors, with allow_contributors',
      config: { count: 3, allow_contributors: true },
      pr: { ...SHARED_PR, reviews: [aReview('erin', 'APPROVED'), aReview('frank', 'APPROVED'), aReview('dave', 'APPROVED')] },
      outcome: 'success',
      counted: ['erin', 'frank', 'dave'],
      summary: 'Approved on c0ffee1 by erin, frank, dave',
    },
    {
      name: 'the PR author, with allow_contributors only (never silently allowed)',
      config: { allow_contributors: true },
      pr: { ...SHARED_PR, reviews: [aReview(AUTHOR, 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: AUTHOR, reason: 'author', detail: 'is the PR author' }],
    },
    {
      name: 'the PR author who also wrote the commits, with allow_author',
      config: { allow_author: true },
      pr: { ...SHARED_PR, reviews: [aReview(AUTHOR, 'APPROVED')] },
      outcome: 'success',
      counted: [AUTHOR],
    },
    {
      name: 'a contributor, with allow_author only',
      config: { allow_author: true },
      pr: { ...SHARED_PR, reviews: [aReview('erin', 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'erin', reason: 'contributor', detail: 'committed c0ffee1' }],
    },
    {
      name: 'the PR author and a contributor, with both allowed',
      config: { count: 2, allow_author: true, allow_contributors: true },
      pr: { ...SHARED_PR, reviews: [aReview(AUTHOR, 'APPROVED'), aReview('erin', 'APPROVED')] },
      outcome: 'success',
      counted: [AUTHOR, 'erin'],
    },
  ])('$name → $outcome', (row) => {
    // Act
    const result = evaluateRow(row);

    // Assert
    expectRow(result, row);
  });

  it('lists the PR author apart from the contributors, each with why', () => {
    // Act
    const result = evaluateRow({ pr: SHARED_PR });

    // Assert
    expect(result.evidence.author).toBe(AUTHOR);
    expect(result.evidence.contributors).toEqual([
      { login: AUTHOR, detail: 'authored bada551' },
      { login: 'dave', detail: 'pushed c0ffee1' },
      { login: 'erin', detail: 'committed c0ffee1' },
      { login: 'frank', detail: 'co-authored c0ffee1' },
    ]);
  });
});

const RELEASE = 'acme/release-managers';
const AUDITORS = 'acme/auditors';
const MEMBERS: TeamMembers = { [RELEASE]: ['carol', 'dave'], [AUDITORS]: ['grace'] };

describe('segregation of duties: who may approve', () => {
  it.each<ApprovalRow>([
    {
      name: 'a bot with write access',
      pr: { reviews: [aReview('deploy-bot[bot]', 'APPROVED', { reviewer: bot('deploy-bot[bot]') })] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'deploy-bot[bot]', reason: 'bot', detail: 'bots cannot approve' }],
    },
    {
      name: 'a bot, even with allow_author and allow_contributors',
      config: { allow_author: true, allow_contributors: true },
      pr: { reviews: [aReview('deploy-bot[bot]', 'APPROVED', { reviewer: bot('deploy-bot[bot]') })] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'deploy-bot[bot]', reason: 'bot', detail: 'bots cannot approve' }],
    },
    {
      name: 'a reviewer without write access',
      pr: { reviews: [aReview('bob', 'APPROVED', { reviewerCanPush: false })] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'no-write-access', detail: 'has no write access to the repository' }],
    },
    {
      name: 'a reviewer without write access and one with it',
      pr: { reviews: [aReview('bob', 'APPROVED', { reviewerCanPush: false }), aReview('erin', 'APPROVED')] },
      outcome: 'success',
      counted: ['erin'],
      ignored: [{ login: 'bob', reason: 'no-write-access' }],
    },
    {
      name: 'one person approving under three cases of their login (counted once)',
      config: { count: 2 },
      pr: {
        reviews: [
          aReview('Bob', 'APPROVED', { submittedAt: T1 }),
          aReview('BOB', 'APPROVED', { submittedAt: T2 }),
          aReview('bob', 'APPROVED', { submittedAt: T3 }),
        ],
      },
      outcome: 'pending',
      counted: ['bob'],
    },
    {
      name: 'a team member',
      config: { teams: [RELEASE] },
      pr: { reviews: [aReview('dave', 'APPROVED')] },
      outcome: 'success',
      counted: ['dave'],
    },
    {
      name: 'a member of the second of two teams',
      config: { teams: [RELEASE, AUDITORS] },
      pr: { reviews: [aReview('grace', 'APPROVED')] },
      outcome: 'success',
      counted: ['grace'],
    },
    {
      name: 'an independent reviewer outside both teams',
      config: { teams: [RELEASE, AUDITORS] },
      pr: { reviews: [aReview('bob', 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'not-in-team', detail: 'not in acme/release-managers or acme/auditors' }],
      summary: 'Needs 1 more independent approval from acme/release-managers or acme/auditors on c0ffee1',
    },
    {
      name: 'a reviewer of a team whose members are unknown',
      config: { teams: ['acme/ghosts'] },
      pr: { reviews: [aReview('bob', 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'not-in-team', detail: 'not in acme/ghosts' }],
    },
    {
      name: 'a team member without write access',
      config: { teams: [RELEASE] },
      pr: { reviews: [aReview('carol', 'APPROVED', { reviewerCanPush: false })] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'carol', reason: 'no-write-access' }],
    },
    {
      name: 'a team member who pushed to the PR',
      config: { teams: [RELEASE] },
      pr: { pushers: [aPush('carol')], reviews: [aReview('carol', 'APPROVED')] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'carol', reason: 'contributor', detail: 'pushed c0ffee1' }],
    },
    {
      name: 'one of two team approvals, and one from outside',
      config: { count: 2, teams: [RELEASE] },
      pr: { reviews: [aReview('carol', 'APPROVED'), aReview('bob', 'APPROVED')] },
      outcome: 'pending',
      counted: ['carol'],
      ignored: [{ login: 'bob', reason: 'not-in-team' }],
      summary: 'Needs 1 more independent approval from acme/release-managers on c0ffee1',
    },
  ])('$name → $outcome', (row) => {
    // Act
    const result = evaluateRow({ ...row, teamMembers: MEMBERS });

    // Assert
    expectRow(result, row);
  });
});

describe('segregation of duties: requests for changes', () => {
  it.each<ApprovalRow & { blocking: string[] }>([
    {
      name: 'a request for changes from a reviewer with write access',
      pr: { reviews: [aReview('bob', 'APPROVED', { submittedAt: T1 }), aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T2 })] },
      outcome: 'failure',
      counted: ['bob'],
      blocking: ['erin'],
      summary: 'Changes requested by erin',
    },
    {
      name: 'a request for changes on an earlier commit (it stands after a push)',
      pr: {
        reviews: [
          aReview('bob', 'APPROVED', { submittedAt: T1 }),
          aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T2, commitSha: OLD_SHA }),
        ],
      },
      outcome: 'failure',
      counted: ['bob'],
      blocking: ['erin'],
    },
    {
      name: 'requests for changes from two reviewers with write access',
      pr: {
        reviews: [aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T1 }), aReview('frank', 'CHANGES_REQUESTED', { submittedAt: T2 })],
      },
      outcome: 'failure',
      counted: [],
      blocking: ['erin', 'frank'],
      summary: 'Changes requested by erin, frank',
    },
    {
      name: 'a request for changes followed by a comment',
      pr: { reviews: [aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T1 }), aReview('erin', 'COMMENTED', { submittedAt: T2 })] },
      outcome: 'failure',
      counted: [],
      blocking: ['erin'],
    },
    {
      name: 'a request for changes from a reviewer without write access',
      pr: {
        reviews: [
          aReview('bob', 'APPROVED', { submittedAt: T1 }),
          aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T2, reviewerCanPush: false }),
        ],
      },
      outcome: 'success',
      counted: ['bob'],
      blocking: [],
    },
    {
      name: 'a request for changes without write access and no approval',
      pr: { reviews: [aReview('erin', 'CHANGES_REQUESTED', { reviewerCanPush: false })] },
      outcome: 'pending',
      counted: [],
      blocking: [],
      summary: 'Needs 1 more independent approval on c0ffee1',
    },
    {
      name: 'a request for changes, then an approval by the same reviewer',
      pr: { reviews: [aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T1 }), aReview('erin', 'APPROVED', { submittedAt: T2 })] },
      outcome: 'success',
      counted: ['erin'],
      blocking: [],
    },
    {
      name: 'a request for changes, then an approval under another case of the login',
      pr: { reviews: [aReview('Erin', 'CHANGES_REQUESTED', { submittedAt: T1 }), aReview('erin', 'APPROVED', { submittedAt: T2 })] },
      outcome: 'success',
      counted: ['erin'],
      blocking: [],
    },
    {
      name: 'a request for changes that was dismissed',
      pr: { reviews: [aReview('bob', 'APPROVED', { submittedAt: T1 }), aReview('erin', 'DISMISSED', { submittedAt: T2 })] },
      outcome: 'success',
      counted: ['bob'],
      ignored: [{ login: 'erin', reason: 'superseded', detail: `review was dismissed (${T2})` }],
      blocking: [],
    },
    {
      name: 'an approval, then a request for changes by the same reviewer',
      pr: { reviews: [aReview('erin', 'APPROVED', { submittedAt: T1 }), aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T2 })] },
      outcome: 'failure',
      counted: [],
      ignored: [{ login: 'erin', reason: 'superseded', detail: `approval was followed by a request for changes (${T2})` }],
      blocking: ['erin'],
    },
    {
      name: 'a request for changes without write access, then an approval (not counted either)',
      pr: {
        reviews: [
          aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T1, reviewerCanPush: false }),
          aReview('erin', 'APPROVED', { submittedAt: T2, reviewerCanPush: false }),
        ],
      },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'erin', reason: 'no-write-access' }],
      blocking: [],
    },
  ])('$name → $outcome', (row) => {
    // Act
    const result = evaluateRow(row);

    // Assert
    expectRow(result, row);
    expect(result.evidence.blockingChangesRequestedBy).toEqual(row.blocking);
  });

  it('names who must approve, and lists non-blocking requests as evidence', () => {
    // Act
    const result = evaluateRow({
      pr: {
        reviews: [
          aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T1 }),
          aReview('frank', 'CHANGES_REQUESTED', { submittedAt: T2, reviewerCanPush: false }),
        ],
      },
    });

    // Assert
    expect(result.outcome).toBe('failure');
    expect(result.nextStep).toBe('Address the requested changes; erin must approve, or the review must be dismissed.');
    expect(result.evidence.changesRequestedBy).toEqual(['erin', 'frank']);
    expect(result.evidence.blockingChangesRequestedBy).toEqual(['erin']);
  });
});
