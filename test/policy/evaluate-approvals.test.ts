import { describe, it, expect } from '@jest/globals';
import type { ApprovalConfig } from '../../src/policy/config-schema.js';
import { evaluateApprovals } from '../../src/policy/evaluate-approvals.js';
import type { CommitFact, ReviewFact, TeamMembers } from '../../src/policy/facts.js';
import type { ControlOutcome, IgnoredApprovalReason } from '../../src/policy/verdict.js';
import { aCommit, anApprovalConfig, AUTHOR, aReview, bot, gitIdentity, HEAD_SHA, OLD_SHA } from './builders.js';

const T1 = '2024-05-02T10:00:00Z';
const T2 = '2024-05-02T11:00:00Z';
const T3 = '2024-05-02T11:30:00Z';

const RELEASE_MANAGERS = 'acme/release-managers';
const TEAMS: TeamMembers = { [RELEASE_MANAGERS]: ['carol', 'dave'] };

interface Row {
  name: string;
  config?: Partial<ApprovalConfig>;
  commits?: CommitFact[];
  reviews: ReviewFact[];
  outcome: ControlOutcome;
  counted: string[];
  ignored?: { login: string; reason: IgnoredApprovalReason; detail?: string }[];
  summary?: string;
}

function evaluate(row: Pick<Row, 'config' | 'commits' | 'reviews'>): ReturnType<typeof evaluateApprovals> {
  return evaluateApprovals({
    config: anApprovalConfig(row.config),
    pr: {
      author: { login: AUTHOR, isBot: false },
      headSha: HEAD_SHA,
      commits: row.commits ?? [aCommit()],
      reviews: row.reviews,
      pushers: [],
      changedFiles: null,
      cleanBaseMerges: [],
      patches: [],
    },
    teamMembers: TEAMS,
  });
}

describe('evaluateApprovals: who counts', () => {
  it.each<Row>([
    {
      name: 'one independent approval on the head commit',
      reviews: [aReview('bob', 'APPROVED')],
      outcome: 'success',
      counted: ['bob'],
      summary: 'Approved on c0ffee1 by bob',
    },
    {
      name: 'no reviews yet',
      reviews: [],
      outcome: 'pending',
      counted: [],
      summary: 'Needs 1 more independent approval on c0ffee1',
    },
    {
      name: 'one of two required approvals',
      config: { count: 2 },
      reviews: [aReview('bob', 'APPROVED')],
      outcome: 'pending',
      counted: ['bob'],
      summary: 'Needs 1 more independent approval on c0ffee1',
    },
    {
      name: 'two of two required approvals',
      config: { count: 2 },
      reviews: [aReview('bob', 'APPROVED'), aReview('erin', 'APPROVED')],
      outcome: 'success',
      counted: ['bob', 'erin'],
      summary: 'Approved on c0ffee1 by bob, erin',
    },
    {
      name: 'count 0 and no reviews',
      config: { count: 0 },
      reviews: [],
      outcome: 'success',
      counted: [],
      summary: 'No approval required (approval.count: 0)',
    },
    {
      name: 'the PR author approving their own change',
      reviews: [aReview(AUTHOR, 'APPROVED')],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: AUTHOR, reason: 'author', detail: 'is the PR author' }],
    },
    {
      name: 'the author approving under the same login in another case',
      reviews: [aReview('ALICE', 'APPROVED')],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'ALICE', reason: 'author', detail: 'is the PR author' }],
    },
    {
      name: 'a reviewer who authored a commit',
      commits: [aCommit(AUTHOR), aCommit('bob', { sha: OLD_SHA })],
      reviews: [aReview('bob', 'APPROVED')],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'contributor', detail: 'authored bada551' }],
    },
    {
      name: 'a reviewer who only committed (rebased) a commit',
      commits: [aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', 'Bob')] })],
      reviews: [aReview('bob', 'APPROVED')],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'contributor', detail: 'committed c0ffee1' }],
    },
    {
      name: 'a reviewer who co-authored a commit (Co-authored-by)',
      commits: [
        aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), gitIdentity('co-author', 'bob'), gitIdentity('committer', AUTHOR)] }),
      ],
      reviews: [aReview('bob', 'APPROVED'), aReview('erin', 'APPROVED')],
      outcome: 'success',
      counted: ['erin'],
      ignored: [{ login: 'bob', reason: 'contributor', detail: 'co-authored c0ffee1' }],
    },
    {
      name: 'a bot approving',
      reviews: [aReview('renovate[bot]', 'APPROVED', { reviewer: bot('renovate[bot]') })],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'renovate[bot]', reason: 'bot', detail: 'bots cannot approve' }],
    },
    {
      name: 'an approval of an earlier commit',
      reviews: [aReview('bob', 'APPROVED', { commitSha: OLD_SHA })],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: 'approved bada551, before the last push to c0ffee1' }],
    },
    {
      name: 'an approval of a commit GitHub no longer knows',
      reviews: [aReview('bob', 'APPROVED', { commitSha: null })],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: 'approved an unknown commit, before the last push to c0ffee1' }],
    },
    {
      name: 'an unsubmitted (PENDING) review',
      reviews: [aReview('bob', 'PENDING')],
      outcome: 'pending',
      counted: [],
    },
  ])('$name → $outcome', (row) => {
    // Act
    const result = evaluate(row);

    // Assert
    expect(result.outcome).toBe(row.outcome);
    expect(result.evidence.counted.map((a) => a.login)).toEqual(row.counted);
    expect(result.evidence.ignored).toEqual((row.ignored ?? []).map((i) => expect.objectContaining(i)));
    if (row.summary) expect(result.summary).toBe(row.summary);
  });
});

describe("evaluateApprovals: each reviewer's latest state", () => {
  it.each<Row>([
    {
      name: 'approved then commented (still approved)',
      reviews: [aReview('bob', 'APPROVED', { submittedAt: T1 }), aReview('bob', 'COMMENTED', { submittedAt: T2 })],
      outcome: 'success',
      counted: ['bob'],
    },
    {
      name: 'approved twice (counted once)',
      config: { count: 2 },
      reviews: [aReview('bob', 'APPROVED', { submittedAt: T1 }), aReview('bob', 'APPROVED', { submittedAt: T2 })],
      outcome: 'pending',
      counted: ['bob'],
    },
    {
      name: 'approved twice under two cases of one login (counted once)',
      config: { count: 2 },
      reviews: [aReview('Bob', 'APPROVED', { submittedAt: T1 }), aReview('bob', 'APPROVED', { submittedAt: T2 })],
      outcome: 'pending',
      counted: ['bob'],
    },
    {
      name: 'approved an old commit, then re-approved the head',
      reviews: [aReview('bob', 'APPROVED', { submittedAt: T1, commitSha: OLD_SHA }), aReview('bob', 'APPROVED', { submittedAt: T2 })],
      outcome: 'success',
      counted: ['bob'],
    },
    {
      name: 'approved, then requested changes (with write access: blocks)',
      reviews: [aReview('bob', 'APPROVED', { submittedAt: T1 }), aReview('bob', 'CHANGES_REQUESTED', { submittedAt: T2 })],
      outcome: 'failure',
      counted: [],
      ignored: [{ login: 'bob', reason: 'superseded', detail: `approval was followed by a request for changes (${T2})` }],
      summary: 'Changes requested by bob',
    },
    {
      name: 'approved, then requested changes (without write access: does not block)',
      reviews: [
        aReview('bob', 'APPROVED', { submittedAt: T1, reviewerCanPush: false }),
        aReview('bob', 'CHANGES_REQUESTED', { submittedAt: T2, reviewerCanPush: false }),
      ],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'superseded' }],
      summary: 'Needs 1 more independent approval on c0ffee1',
    },
    {
      name: 'approved, then the approval was dismissed',
      reviews: [aReview('bob', 'APPROVED', { submittedAt: T1 }), aReview('bob', 'DISMISSED', { submittedAt: T2 })],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'superseded', detail: `approval was dismissed (${T2})` }],
    },
    {
      name: 'requested changes, then approved',
      reviews: [aReview('bob', 'CHANGES_REQUESTED', { submittedAt: T1 }), aReview('bob', 'APPROVED', { submittedAt: T2 })],
      outcome: 'success',
      counted: ['bob'],
    },
    {
      name: 'approved, requested changes, commented (the request stands)',
      reviews: [
        aReview('bob', 'APPROVED', { submittedAt: T1 }),
        aReview('bob', 'CHANGES_REQUESTED', { submittedAt: T2 }),
        aReview('bob', 'COMMENTED', { submittedAt: T3 }),
      ],
      outcome: 'failure',
      counted: [],
      ignored: [{ login: 'bob', reason: 'superseded' }],
    },
    {
      name: 'reviews listed out of time order (ordered by submission time)',
      reviews: [aReview('bob', 'CHANGES_REQUESTED', { submittedAt: T2 }), aReview('bob', 'APPROVED', { submittedAt: T1 })],
      outcome: 'failure',
      counted: [],
      ignored: [{ login: 'bob', reason: 'superseded' }],
    },
  ])('$name → $outcome', (row) => {
    // Act
    const result = evaluate(row);

    // Assert
    expect(result.outcome).toBe(row.outcome);
    expect(result.evidence.counted.map((a) => a.login.toLowerCase())).toEqual(row.counted);
    expect(result.evidence.ignored).toEqual((row.ignored ?? []).map((i) => expect.objectContaining(i)));
    if (row.summary) expect(result.summary).toBe(row.summary);
  });

  it('lists who requested changes and keeps the time of a counted approval', () => {
    // Act
    const result = evaluate({
      reviews: [aReview('erin', 'CHANGES_REQUESTED', { submittedAt: T1 }), aReview('bob', 'APPROVED', { submittedAt: T2 })],
    });

    // Assert
    expect(result.evidence.changesRequestedBy).toEqual(['erin']);
    expect(result.evidence.counted).toEqual([{ login: 'bob', commitSha: HEAD_SHA, submittedAt: T2 }]);
  });
});

describe('evaluateApprovals: approval.teams', () => {
  it.each<Row>([
    {
      name: 'a member of the team',
      reviews: [aReview('carol', 'APPROVED')],
      outcome: 'success',
      counted: ['carol'],
    },
    {
      name: 'a member whose login differs in case from the member list',
      reviews: [aReview('Carol', 'APPROVED')],
      outcome: 'success',
      counted: ['Carol'],
    },
    {
      name: 'an independent reviewer outside the team',
      reviews: [aReview('bob', 'APPROVED')],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'not-in-team', detail: 'not in acme/release-managers' }],
      summary: 'Needs 1 more independent approval from acme/release-managers on c0ffee1',
    },
    {
      name: 'a team member who committed to the PR',
      commits: [aCommit(AUTHOR), aCommit('dave', { sha: OLD_SHA })],
      reviews: [aReview('dave', 'APPROVED')],
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'dave', reason: 'contributor' }],
    },
  ])('$name → $outcome', (row) => {
    // Act
    const result = evaluate({ ...row, config: { teams: [RELEASE_MANAGERS] } });

    // Assert
    expect(result.outcome).toBe(row.outcome);
    expect(result.evidence.counted.map((a) => a.login)).toEqual(row.counted);
    expect(result.evidence.ignored).toEqual((row.ignored ?? []).map((i) => expect.objectContaining(i)));
    if (row.summary) expect(result.summary).toBe(row.summary);
  });
});

describe('evaluateApprovals: commit identities not tied to a GitHub user', () => {
  const approved = [aReview('bob', 'APPROVED')];

  it.each<{ name: string; commits: CommitFact[]; summary: string }>([
    {
      name: 'an unknown commit author',
      summary: 'Commit c0ffee1 has an author (ghost@example.com) not tied to a GitHub user',
      commits: [aCommit(null, { identities: [gitIdentity('author', null, 'ghost@example.com'), gitIdentity('committer', AUTHOR)] })],
    },
    {
      name: 'an unknown co-author',
      summary: 'Commit c0ffee1 has a co-author (unknown@example.com) not tied to a GitHub user',
      commits: [
        aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), gitIdentity('co-author', null), gitIdentity('committer', AUTHOR)] }),
      ],
    },
    {
      name: 'an unknown committer with GitHub’s email, not committed via the web',
      summary: 'Commit c0ffee1 has a committer (noreply@github.com) not tied to a GitHub user',
      commits: [aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', null, 'noreply@github.com')] })],
    },
    {
      name: 'an unknown author of a web commit (only the committer is GitHub’s)',
      summary: 'Commit c0ffee1 has an author (unknown@example.com) not tied to a GitHub user',
      commits: [
        aCommit(null, {
          committedViaWeb: true,
          identities: [gitIdentity('author', null), gitIdentity('committer', null, 'noreply@github.com')],
        }),
      ],
    },
  ])('fails on $name, even with an approval', ({ commits, summary }) => {
    // Act
    const result = evaluate({ commits, reviews: approved });

    // Assert
    expect(result.outcome).toBe('failure');
    expect(result.summary).toBe(summary);
    expect(result.evidence.unattributed).toHaveLength(1);
  });

  it.each<{ name: string; commits: CommitFact[] }>([
    {
      name: 'GitHub’s own committer of a web commit (noreply@github.com)',
      commits: [
        aCommit(AUTHOR, {
          committedViaWeb: true,
          identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', null, 'noreply@github.com')],
        }),
      ],
    },
    {
      name: 'the web-flow committer login',
      commits: [
        aCommit(AUTHOR, { committedViaWeb: true, identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', 'web-flow')] }),
      ],
    },
  ])('accepts $name and does not count it as a contributor', ({ commits }) => {
    // Act
    const result = evaluate({ commits, reviews: approved });

    // Assert
    expect(result.outcome).toBe('success');
    expect(result.evidence.contributors.map((c) => c.login)).toEqual([AUTHOR]);
    expect(result.evidence.unattributed).toEqual([]);
  });

  it('passes with count 0: no approver whose independence needs proving', () => {
    // Arrange
    const commits = [aCommit(null)];

    // Act
    const result = evaluate({ config: { count: 0 }, commits, reviews: [] });

    // Assert
    expect(result.outcome).toBe('success');
    expect(result.evidence.unattributed.map((u) => u.role)).toEqual(['author', 'committer']);
  });
});
