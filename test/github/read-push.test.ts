import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { listPushCommits, MAX_PUSH_COMMITS } from '../../src/github/read-push.js';

const API = 'https://api.github.com';
const BASE = 'b'.repeat(40);
const HEAD = 'f'.repeat(40);
const PATH = `/repos/acme/api/compare/${BASE}...${HEAD}`;
const octokit = new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } });
const git = { name: 'Alice', email: 'alice@example.com' };
const commit = (i: number) => ({
  sha: i.toString(16).padStart(40, '0'),
  commit: { message: `Change ${i}\n\nbody`, author: git, committer: git },
  author: { login: 'alice' },
  committer: null,
});
const pages = (total: number, listed: number) => {
  const all = Array.from({ length: listed }, (_, i) => commit(i + 1));
  for (let page = 1; (page - 1) * 100 < Math.min(listed, MAX_PUSH_COMMITS) || page === 1; page += 1)
    nock(API)
      .get(PATH)
      .query({ per_page: 100, page })
      .reply(200, { total_commits: total, commits: all.slice((page - 1) * 100, page * 100) });
};

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

describe('listPushCommits', () => {
  it('reads every page up to the limit, with authors and headlines', async () => {
    pages(120, 120);

    const listed = await listPushCommits({ octokit, owner: 'acme', repo: 'api', base: BASE, head: HEAD });

    expect(listed.incomplete).toBeNull();
    expect(listed.total).toBe(120);
    expect(listed.commits).toHaveLength(120);
    expect(listed.commits[0]).toEqual({
      sha: commit(1).sha,
      headline: 'Change 1',
      author: { name: 'Alice', email: 'alice@example.com', login: 'alice' },
      committer: { name: 'Alice', email: 'alice@example.com', login: null },
    });
  });

  it('stops at the limit and says the evidence is incomplete beyond it', async () => {
    pages(400, 400);

    const listed = await listPushCommits({ octokit, owner: 'acme', repo: 'api', base: BASE, head: HEAD });

    expect(listed.commits).toHaveLength(MAX_PUSH_COMMITS);
    expect(listed.incomplete).toBe(`400 commits, more than the ${MAX_PUSH_COMMITS} read one by one`);
  });

  it('says what it could read when GitHub lists fewer commits than it counts', async () => {
    pages(150, 100);
    nock(API).get(PATH).query({ per_page: 100, page: 2 }).reply(200, { total_commits: 150, commits: [] });

    const listed = await listPushCommits({ octokit, owner: 'acme', repo: 'api', base: BASE, head: HEAD });

    expect(listed.commits).toHaveLength(100);
    expect(listed.incomplete).toBe('GitHub listed 100 of 150 commits');
  });
});
