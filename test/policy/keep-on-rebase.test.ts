import { describe, expect, it } from '@jest/globals';
import { approvedHeadsToCompare } from '../../src/policy/evaluate-approvals.js';
import type { PullRequestFacts } from '../../src/policy/facts.js';
import type { PatchFact } from '../../src/policy/patch-id.js';
import { type ApprovalRow, evaluateRow, expectRow } from './approval-row.js';
import {
  aBaseMerge,
  aCommit,
  anApprovalConfig,
  aPullRequest,
  aPush,
  aReview,
  AUTHOR,
  gitIdentity,
  HEAD_SHA,
  MERGE_SHA,
  OLD_SHA,
} from './builders.js';

/** The head before the rebase: GitHub still knows the reviewed commit, but it is no longer in the PR. */
const PRE_REBASE = 'dead0001234567890abcdef1234567890abcdef12';
const OLD_BASE = '0123456789abcdef0123456789abcdef01234567';
const NEW_BASE = '89abcdef0123456789abcdef0123456789abcdef';
const PATCH = 'a'.repeat(64);

const patchOf = (head: string, patchId: string, mergeBase = head === HEAD_SHA ? NEW_BASE : OLD_BASE): PatchFact => ({
  head,
  mergeBase,
  patchId,
});
const SAME: PatchFact[] = [patchOf(HEAD_SHA, PATCH), patchOf(PRE_REBASE, PATCH)];
/** alice's commit rebased onto the moved base, pushed by alice; bob approved the head before the rebase. */
const REBASED: Partial<PullRequestFacts> = {
  commits: [aCommit(AUTHOR)],
  pushers: [aPush(AUTHOR, PRE_REBASE, '2024-05-02T09:00:00Z'), aPush(AUTHOR, HEAD_SHA)],
  reviews: [aReview('bob', 'APPROVED', { commitSha: PRE_REBASE })],
  patches: SAME,
};
const STALE = 'approved dead000, before the last push to c0ffee1';

describe('approval.keep_on_rebase: an approval of an earlier head whose patch is the head’s', () => {
  it.each<ApprovalRow>([
    {
      name: 'a rebase that left the PR’s diff unchanged keeps the approval',
      config: { keep_on_rebase: true },
      pr: REBASED,
      outcome: 'success',
      counted: ['bob'],
      summary: "Approved on c0ffee1 by bob (bob approved on dead000, rebased without changes to the PR's diff)",
    },
    {
      name: 'a rebase that changed the PR’s diff makes it stale',
      config: { keep_on_rebase: true },
      pr: { ...REBASED, patches: [patchOf(HEAD_SHA, 'b'.repeat(64)), patchOf(PRE_REBASE, PATCH)] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: `${STALE} (keep_on_rebase: the PR's diff changed since)` }],
    },
    {
      name: 'without keep_on_rebase the same patch does not keep it',
      pr: REBASED,
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: STALE }],
    },
    {
      name: 'an approved head whose patch GitHub did not give makes it stale',
      config: { keep_on_rebase: true },
      pr: { ...REBASED, patches: [patchOf(HEAD_SHA, PATCH), { head: PRE_REBASE, mergeBase: null, patchId: null, reason: 'HTTP 404' }] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: `${STALE} (keep_on_rebase: the diff of dead000 cannot be compared: HTTP 404)` }],
    },
    {
      name: 'patches not read make it stale',
      config: { keep_on_rebase: true },
      pr: { ...REBASED, patches: [] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale', detail: `${STALE} (keep_on_rebase: the diffs were not compared)` }],
    },
    {
      name: 'an approval of a commit GitHub no longer knows stays stale',
      config: { keep_on_rebase: true },
      pr: { ...REBASED, reviews: [aReview('bob', 'APPROVED', { commitSha: null })] },
      outcome: 'pending',
      counted: [],
      ignored: [
        {
          login: 'bob',
          reason: 'stale',
          detail:
            'approved an unknown commit, before the last push to c0ffee1 (keep_on_rebase: GitHub no longer knows the approved commit)',
        },
      ],
    },
    {
      name: 'the approver who pushed the rebase is a contributor',
      config: { keep_on_rebase: true },
      pr: { ...REBASED, pushers: [aPush(AUTHOR, PRE_REBASE), aPush('bob', HEAD_SHA)] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'contributor' }],
    },
    {
      name: 'the approver who committed the rebased commits is a contributor',
      config: { keep_on_rebase: true },
      pr: {
        ...REBASED,
        commits: [aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', 'bob')] })],
      },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'contributor' }],
    },
    {
      name: 'a rebase pushed by someone else keeps an independent approval',
      config: { keep_on_rebase: true },
      pr: { ...REBASED, pushers: [aPush(AUTHOR, PRE_REBASE), aPush('erin', HEAD_SHA)] },
      outcome: 'success',
      counted: ['bob'],
    },
    {
      name: 'with invalidate_on_push: false a rewritten head still needs the same patch',
      config: { keep_on_rebase: true, invalidate_on_push: false },
      pr: { ...REBASED, patches: [patchOf(HEAD_SHA, 'b'.repeat(64)), patchOf(PRE_REBASE, PATCH)] },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'bob', reason: 'stale' }],
    },
    {
      name: 'with invalidate_on_push: false an approval of a commit still in the PR needs no patch',
      config: { keep_on_rebase: true, invalidate_on_push: false },
      pr: {
        ...REBASED,
        commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aCommit(AUTHOR)],
        reviews: [aReview('bob', 'APPROVED', { commitSha: OLD_SHA })],
        patches: [],
      },
      outcome: 'success',
      counted: ['bob'],
      summary: 'Approved on c0ffee1 by bob',
    },
  ])('$name → $outcome', (row) => {
    expectRow(evaluateRow(row), row);
  });

  it('records the heads compared and the patch id of a kept approval', () => {
    const result = evaluateRow({ config: { keep_on_rebase: true }, pr: REBASED });

    expect(result.evidence.counted).toEqual([
      {
        login: 'bob',
        commitSha: PRE_REBASE,
        submittedAt: '2024-05-02T10:00:00Z',
        rebased: { approvedHead: PRE_REBASE, head: HEAD_SHA, patchId: PATCH },
      },
    ]);
    expect(result.evidence.patches).toEqual(SAME);
  });

  it('adds nothing to the evidence when the option is off', () => {
    expect(evaluateRow({ pr: REBASED }).evidence).not.toHaveProperty('patches');
  });
});

describe('approvedHeadsToCompare: the comparisons gather reads', () => {
  const heads = (config: Parameters<typeof anApprovalConfig>[0], pr: Partial<PullRequestFacts>) =>
    approvedHeadsToCompare({ config: anApprovalConfig(config), pr: aPullRequest(pr) });

  it.each([
    { name: 'none when the option is off', config: {}, pr: REBASED, expected: [] },
    { name: 'the approved earlier head', config: { keep_on_rebase: true }, pr: REBASED, expected: [PRE_REBASE] },
    {
      name: 'none when the approval is of the head',
      config: { keep_on_rebase: true },
      pr: { reviews: [aReview('bob', 'APPROVED')] },
      expected: [],
    },
    {
      name: 'each head once, whoever approved it',
      config: { keep_on_rebase: true },
      pr: {
        ...REBASED,
        reviews: [aReview('bob', 'APPROVED', { commitSha: PRE_REBASE }), aReview('erin', 'APPROVED', { commitSha: PRE_REBASE })],
      },
      expected: [PRE_REBASE],
    },
    {
      name: 'none for approvals that cannot count (a bot, no write access, unknown commit, superseded)',
      config: { keep_on_rebase: true },
      pr: {
        reviews: [
          aReview('ci-bot', 'APPROVED', { commitSha: PRE_REBASE, reviewer: { login: 'ci-bot', isBot: true } }),
          aReview('ann', 'APPROVED', { commitSha: PRE_REBASE, reviewerCanPush: false }),
          aReview('bob', 'APPROVED', { commitSha: null }),
          aReview('erin', 'APPROVED', { commitSha: PRE_REBASE, submittedAt: '2024-05-02T10:00:00Z' }),
          aReview('erin', 'CHANGES_REQUESTED', { submittedAt: '2024-05-02T11:00:00Z' }),
        ],
      },
      expected: [],
    },
    {
      name: 'none for an approval a clean base merge carries to the head',
      config: { keep_on_rebase: true, ignore_base_merges: true },
      pr: {
        commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aBaseMerge('erin')],
        headSha: MERGE_SHA,
        cleanBaseMerges: [MERGE_SHA],
        reviews: [aReview('bob', 'APPROVED', { commitSha: OLD_SHA })],
      },
      expected: [],
    },
  ])('$name', ({ config, pr, expected }) => {
    expect(heads(config, pr)).toEqual(expected);
  });
});
