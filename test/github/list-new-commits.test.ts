import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { listNewCommits, MAX_NEW_COMMITS } from '../../src/github/list-new-commits.js';

const API = 'https://api.github.com';
const BASE = 'b'.repeat(40);
const HEAD = 'f'.repeat(40);
const PATH = `/repos/acme/api/compare/${BASE}...${HEAD}`;
const octokit = new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } });
const commit = (i: number) => ({ sha: i.toString(16).padStart(40, '0'), parents: [{ sha: (i - 1).toString(16).padStart(40, '0') }] });

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

describe('listNewCommits', () => {
  it('reads every page: GitHub lists only 250 commits unpaged', async () => {
    const all = Array.from({ length: 120 }, (_, i) => commit(i + 1));
    nock(API)
      .get(PATH)
      .query({ per_page: 100, page: 1 })
      .reply(200, { total_commits: 120, commits: all.slice(0, 100) });
    nock(API)
      .get(PATH)
      .query({ per_page: 100, page: 2 })
      .reply(200, { total_commits: 120, commits: all.slice(100) });

    const commits = await listNewCommits({ octokit, owner: 'acme', repo: 'api', base: BASE, head: HEAD });

    expect(commits).toHaveLength(120);
    expect(commits[119]).toEqual({ sha: all[119]?.sha, parents: [all[118]?.sha] });
  });

  it('refuses a list shorter than GitHub counts', async () => {
    nock(API)
      .get(PATH)
      .query({ per_page: 100, page: 1 })
      .reply(200, { total_commits: 150, commits: Array.from({ length: 100 }, (_, i) => commit(i + 1)) });
    nock(API).get(PATH).query({ per_page: 100, page: 2 }).reply(200, { total_commits: 150, commits: [] });

    await expect(listNewCommits({ octokit, owner: 'acme', repo: 'api', base: BASE, head: HEAD })).rejects.toThrow(
      'GitHub listed 100 of the 150 commits between bbbbbbb and fffffff',
    );
  });

  it(`refuses more than ${MAX_NEW_COMMITS} new commits`, async () => {
    nock(API)
      .get(PATH)
      .query({ per_page: 100, page: 1 })
      .reply(200, { total_commits: MAX_NEW_COMMITS + 1, commits: [] });

    await expect(listNewCommits({ octokit, owner: 'acme', repo: 'api', base: BASE, head: HEAD })).rejects.toThrow(
      `${MAX_NEW_COMMITS + 1} commits are new since bbbbbbb; at most ${MAX_NEW_COMMITS} are checked`,
    );
  });
});
