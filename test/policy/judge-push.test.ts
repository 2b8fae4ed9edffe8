import { describe, expect, it } from '@jest/globals';
import { judgePush, type AssociatedPullRequest, type PushFacts } from '../../src/policy/judge-push.js';

const MERGE = 'm'.repeat(40);
const PR_COMMIT = 'p'.repeat(40);
const DIRECT = 'd'.repeat(40);

const merged = (overrides: Partial<AssociatedPullRequest> = {}): AssociatedPullRequest => ({
  number: 7,
  merged: true,
  baseRefName: 'main',
  mergeCommit: MERGE,
  ...overrides,
});

const commit = (sha: string, pullRequests: AssociatedPullRequest[]) => ({
  sha,
  headline: `commit ${sha.slice(0, 1)}`,
  author: 'alice',
  pullRequests,
});

function facts(overrides: Partial<PushFacts>): PushFacts {
  return { branch: 'main', forced: false, deleted: false, commits: [], totalCommits: 0, incomplete: null, removed: 0, ...overrides };
}

describe('judgePush', () => {
  it.each([
    {
      case: 'a merge commit and the PR commits it brought',
      facts: facts({ commits: [commit(PR_COMMIT, [merged()]), commit(MERGE, [merged()])], totalCommits: 2 }),
      reasons: [],
      prs: [7, 7],
    },
    {
      case: 'a squash or rebase merge (the PR commit is its merge commit)',
      facts: facts({ commits: [commit(MERGE, [merged()])], totalCommits: 1 }),
      reasons: [],
      prs: [7],
    },
    {
      case: 'a commit of no PR',
      facts: facts({ commits: [commit(DIRECT, [])], totalCommits: 1 }),
      reasons: ['1 of 1 commit came from no merged pull request into main', `  ${DIRECT.slice(0, 7)} by alice: commit d`],
      prs: [null],
    },
    {
      case: 'a commit of an open PR pushed directly',
      facts: facts({ commits: [commit(DIRECT, [merged({ merged: false, mergeCommit: null })])], totalCommits: 1 }),
      reasons: ['1 of 1 commit came from no merged pull request into main', `  ${DIRECT.slice(0, 7)} by alice: commit d`],
      prs: [null],
    },
    {
      case: 'a commit of a PR merged into another branch',
      facts: facts({ commits: [commit(MERGE, [merged({ baseRefName: 'develop' })])], totalCommits: 1 }),
      reasons: ['1 of 1 commit came from no merged pull request into main', `  ${MERGE.slice(0, 7)} by alice: commit m`],
      prs: [null],
    },
    {
      case: "a merged PR's commit pushed without its merge commit",
      facts: facts({ commits: [commit(PR_COMMIT, [merged()])], totalCommits: 1 }),
      reasons: ['1 of 1 commit came from no merged pull request into main', `  ${PR_COMMIT.slice(0, 7)} by alice: commit p`],
      prs: [null],
    },
    {
      case: 'a force-push of merged work still rewrites history',
      facts: facts({ forced: true, removed: 2, commits: [commit(MERGE, [merged()])], totalCommits: 1 }),
      reasons: ['force-push: 2 commits taken off main, history rewritten'],
      prs: [7],
    },
    {
      case: 'a deletion',
      facts: facts({ deleted: true }),
      reasons: ['the branch main was deleted'],
      prs: [],
    },
    {
      case: 'a list GitHub could not give whole, even of merged work',
      facts: facts({
        commits: [commit(MERGE, [merged()])],
        totalCommits: 300,
        incomplete: '300 commits, more than the 250 read one by one',
      }),
      reasons: ['evidence incomplete: 300 commits, more than the 250 read one by one'],
      prs: [7],
    },
  ])('$case', ({ facts: input, reasons, prs }) => {
    const judgement = judgePush(input);
    expect(judgement.reasons).toEqual(reasons);
    expect(input.commits.map((c) => judgement.pullRequestOf.get(c.sha))).toEqual(prs);
  });
});
