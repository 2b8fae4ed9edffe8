import { describe, expect, it } from '@jest/globals';
import { readReconciliation } from '../../src/github/read-reconciliation.js';
import type { GraphqlClient } from '../../src/github/graphql-client.js';

const SINCE = '2026-01-10T00:00:00Z';
const sha = (n: number): string => n.toString(16).padStart(40, '0');
const pr = (number: number, updatedAt: string, baseRefName = 'main') => ({
  number,
  title: `PR ${number}`,
  url: `https://github.com/acme/payments/pull/${number}`,
  author: { login: 'dev' },
  baseRefName,
  headRefOid: sha(number),
  mergeCommit: { oid: sha(1000 + number) },
  mergedBy: { login: 'bob' },
  mergedAt: updatedAt,
  updatedAt,
});
const commit = (n: number) => ({ oid: sha(n), parents: { nodes: [{ oid: sha(n - 1) }] }, associatedPullRequests: { nodes: [] } });
const page = <T>(nodes: T[], next: string | null) => ({ pageInfo: { hasNextPage: next !== null, endCursor: next }, nodes });

describe('readReconciliation', () => {
  it('pages merged PRs and each branch history in shared requests, stopping at PRs updated before the start', async () => {
    const asked: Array<Record<string, unknown>> = [];
    // main: two pages of history; release: one. PRs: a first page all recent, a second that reaches older updates.
    const answers = [
      {
        pullRequests: page([pr(9, '2026-01-20T00:00:00Z'), pr(8, '2026-01-19T00:00:00Z', 'feature')], 'p1'),
        ref: { target: { history: page([commit(30), commit(29)], 'h1') } },
      },
      {
        pullRequests: page([pr(7, '2026-01-11T00:00:00Z'), pr(6, '2026-01-05T00:00:00Z')], 'p2'),
        ref: { target: { history: page([commit(28)], null) } },
      },
      { ref: { target: { history: page([commit(50)], null) } } },
    ];
    const graphql = (async (_query: string, variables?: Record<string, unknown>) => {
      asked.push(variables ?? {});
      return { repository: answers[asked.length - 1] };
    }) as GraphqlClient;

    const read = await readReconciliation({
      graphql,
      owner: 'acme',
      repo: 'payments',
      branches: ['main', 'release'],
      since: SINCE,
      isControlled: (base) => base === 'main' || base === 'release',
    });

    expect(read.requests).toBe(3);
    expect(asked.map((v) => [v.ref, v.withPulls, v.pullsAfter, v.historyAfter])).toEqual([
      ['refs/heads/main', true, null, null],
      ['refs/heads/main', true, 'p1', 'h1'],
      ['refs/heads/release', false, null, null],
    ]);
    // #8 is into an uncontrolled branch, #6 merged before the start.
    expect(read.merges.map((m) => m.number)).toEqual([9, 7]);
    expect(read.merges[0]).toEqual({
      number: 9,
      title: 'PR 9',
      url: 'https://github.com/acme/payments/pull/9',
      author: 'dev',
      baseRef: 'main',
      headSha: sha(9),
      mergeSha: sha(1009),
      mergedBy: 'bob',
      mergedAt: '2026-01-20T00:00:00Z',
    });
    expect([...read.commits].map(([branch, commits]) => [branch, commits.map((c) => c.sha)])).toEqual([
      ['main', [sha(30), sha(29), sha(28)]],
      ['release', [sha(50)]],
    ]);
  });

  it('a branch that does not exist has no commits; a GitHub failure is thrown, nothing half-read returned', async () => {
    const missing = (async () => ({ repository: { pullRequests: page([], null), ref: null } })) as GraphqlClient;
    const read = await readReconciliation({
      graphql: missing,
      owner: 'acme',
      repo: 'payments',
      branches: ['gone'],
      since: SINCE,
      isControlled: () => true,
    });
    expect(read).toEqual({ merges: [], commits: new Map([['gone', []]]), requests: 1 });

    const failing = (async () => Promise.reject(new Error('503 Service Unavailable'))) as GraphqlClient;
    await expect(
      readReconciliation({ graphql: failing, owner: 'acme', repo: 'payments', branches: ['main'], since: SINCE, isControlled: () => true }),
    ).rejects.toThrow('503 Service Unavailable');
  });
});
