import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { runCli } from '../../src/cli/run-cli.js';
import type { DryRunReport } from '../../src/github/dry-run-report.js';
import { prFactsResponse, type FactsFixture } from '../fixtures/pr-facts-response.js';
import { captureIo, seedStore, sha, tempDir } from './seed.js';

/**
 * `change-control evaluate` in-process (docs/cli.md): flags, credentials and errors, and a dry run with a personal
 * token against a mocked GitHub that reads pushers from the audit store. The byte-for-byte comparison with what the
 * app posts is in test/e2e/dry-run.test.ts.
 */

const temp = tempDir();
const database = `sqlite:${join(temp.dir, 'audit.db')}`;
const HEAD = sha('c');
const POLICY = ['ticket:', '  provider: none', 'approval:', '  count: 1', ''].join('\n');
const TOKEN = 'ghp_personal_token_for_the_test';
const ENV = { GITHUB_TOKEN: TOKEN, APP_ID: '4242', DATABASE_URL: database };

const FACTS: FactsFixture = {
  owner: 'acme',
  repo: 'payments',
  number: 42,
  headSha: HEAD,
  title: 'Rotate the certificates',
  author: 'alice',
  repoConfig: POLICY,
  reviews: [{ login: 'bob', state: 'APPROVED', commit: HEAD, at: '2026-02-28T10:00:00Z' }],
};

beforeAll(async () => {
  // mallory pushed the head: a contributor, so her approval would not count (read from the store, as the app does).
  await seedStore(join(temp.dir, 'audit.db'), [
    {
      kind: 'push',
      at: '2026-02-28T09:00:00.000Z',
      deliveryId: 'd-push-42',
      repo: 'acme/payments',
      prNumber: 42,
      headSha: HEAD,
      data: { pusher: 'mallory', action: 'synchronize' },
    },
  ]);
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => {
  nock.enableNetConnect();
  temp.remove();
});

async function evaluate(args: string[], env: NodeJS.ProcessEnv = ENV) {
  const captured = captureIo(env);
  const code = await runCli(['evaluate', ...args], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** GitHub's one GraphQL query, answered with `facts`, as the personal token asks it. */
function githubAnswers(facts: FactsFixture = FACTS, origin = 'https://api.github.com', path = '/graphql') {
  return nock(origin, { reqheaders: { authorization: `token ${TOKEN}` } })
    .post(path, (body: { query: string }) => body.query.includes('query ChangeControlFacts'))
    .reply(200, { data: prFactsResponse(facts) });
}

function file(name: string, text: string): string {
  const path = join(temp.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('change-control evaluate: the dry run with a personal token', () => {
  it('prints the verdict and the report, reading the pushers from the audit store; one GraphQL query', async () => {
    githubAnswers();

    const { code, stdout, stderr } = await evaluate(['acme/payments#42']);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'acme/payments#42 at ccccccc: success (dry run: nothing was written)',
      `status change-control: success: ${lines[1]?.replace(/^status change-control: success: /, '')}`,
      'check run Change control: completed, success',
    ]);
    expect(lines[3]).toMatch(/^policy: acme\/payments:\.github\/change-control\.yml@[0-9a-f]{7}$/);
    expect(stdout).toContain('- PR author: @alice; contributors: @alice (authored ccccccc), @mallory (pushed ccccccc)');
    expect(stdout).toContain('- ✅ @bob approved ccccccc');
  });

  it('--format json: the object POST /api/v1/simulate answers', async () => {
    githubAnswers();

    const { code, stdout, stderr } = await evaluate(['acme/payments#42', '--format', 'json']);

    expect(code).toBe(0);
    expect(stderr).toBe('acme/payments#42: success (dry run: nothing was written)\n');
    const report = JSON.parse(stdout) as DryRunReport;
    expect(report).toMatchObject({
      evaluated: true,
      state: 'success',
      candidate: false,
      pullRequest: { repository: 'acme/payments', number: 42, headSha: HEAD },
      status: { context: 'change-control', state: 'success' },
      checkRun: {
        name: 'Change control',
        status: 'completed',
        conclusion: 'success',
        output: { title: expect.stringMatching(/^Ready to merge: /) },
      },
      floor: null,
      evaluatedAt: '2026-03-01T12:00:00.000Z',
    });
  });

  it('--policy: the candidate in place of the repository’s file changes the verdict', async () => {
    githubAnswers();
    const candidate = file('two.yml', POLICY.replace('count: 1', 'count: 2'));

    const { code, stdout } = await evaluate(['acme/payments#42', '--policy', candidate, '--format', 'markdown']);

    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('# Dry run of acme/payments#42: pending');
    expect(stdout).toContain('(candidate, not on the default branch)');
    expect(stdout).toContain('1/2 independent approvals');
  });

  it('GHE_HOST and GHE_PROTOCOL: GraphQL goes to the Enterprise server, as the app’s does', async () => {
    githubAnswers(FACTS, 'http://ghe.acme.test', '/api/graphql');

    const { code } = await evaluate(['acme/payments#42'], { ...ENV, GHE_HOST: 'ghe.acme.test', GHE_PROTOCOL: 'http' });

    expect(code).toBe(0);
  });

  it('a pull request GitHub does not know: exit 2, said precisely', async () => {
    nock('https://api.github.com')
      .post('/graphql')
      .reply(200, {
        data: { repository: { ...(prFactsResponse(FACTS).repository as object), pullRequest: null }, orgConfig: null },
        errors: [
          { type: 'NOT_FOUND', path: ['repository', 'pullRequest'], message: 'Could not resolve to a PullRequest with the number of 42.' },
          { type: 'NOT_FOUND', path: ['orgConfig'], message: "Could not resolve to a Repository with the name 'acme/.github'." },
        ],
      });

    const { code, stdout, stderr } = await evaluate(['acme/payments#42']);

    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: 'error: pull request #42 not found in acme/payments\n' });
  });

  it('a pull request outside the policy: exit 1, not evaluated and why', async () => {
    githubAnswers({ ...FACTS, baseRef: 'experiment' });

    const { code, stdout, stderr } = await evaluate(['acme/payments#42', '--format', 'json']);

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ evaluated: false, reason: 'base branch experiment is not under control' });
    expect(stderr).toBe('not evaluated: base branch experiment is not under control\n');
  });
});

describe('change-control evaluate: what it refuses (exit 2, before any GitHub call)', () => {
  it.each<[string, string[], NodeJS.ProcessEnv, RegExp]>([
    [
      'a malformed pull request',
      ['acme/payments/42'],
      ENV,
      /^error: the pull request must be OWNER\/NAME#N like acme\/payments#42, got "acme\/payments\/42"\n$/,
    ],
    ['an unknown format', ['acme/payments#42', '--format', 'yaml'], ENV, /^error: --format must be text, markdown or json, got "yaml"\n$/],
    ['an unknown option', ['acme/payments#42', '--dry'], ENV, /error: unknown option '--dry'/],
    [
      'an unreadable candidate',
      ['acme/payments#42', '--policy', '/nonexistent/candidate.yml'],
      ENV,
      /^error: the candidate policy \/nonexistent\/candidate\.yml cannot be read \(ENOENT\)\n$/,
    ],
    [
      'no credentials at all',
      ['acme/payments#42'],
      { DATABASE_URL: database },
      /^error: no GitHub credentials: set APP_ID and PRIVATE_KEY \(or PRIVATE_KEY_PATH\).*or GITHUB_TOKEN/,
    ],
    [
      'a personal token without APP_ID',
      ['acme/payments#42'],
      { GITHUB_TOKEN: TOKEN, DATABASE_URL: database },
      /^error: APP_ID must be set, with a private key or with GITHUB_TOKEN: /,
    ],
    [
      'an APP_ID that is not a number',
      ['acme/payments#42'],
      { ...ENV, APP_ID: 'change-control' },
      /^error: APP_ID must be the numeric id of the GitHub App\n$/,
    ],
    [
      'no audit store',
      ['acme/payments#42'],
      { ...ENV, DATABASE_URL: `sqlite:${join('/nonexistent', 'audit.db')}` },
      /^error: no audit store at \/nonexistent\/audit\.db\n$/,
    ],
  ])('%s', async (_case, args, env, message) => {
    const { code, stdout, stderr } = await evaluate(args, env);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('an invalid candidate, each error with its line', async () => {
    const candidate = file('bad.yml', ['ticket:', '  provider: none', 'approval:', '  count: two', '  reviewers: 1', ''].join('\n'));

    const { code, stderr } = await evaluate(['acme/payments#42', '--policy', candidate]);

    expect(code).toBe(2);
    expect(stderr).toBe(
      [
        'error: the candidate policy is invalid',
        `  ${candidate}: approval.count must be a whole number ≥ 0, got "two" (line 4)`,
        `  ${candidate}: approval.reviewers is not a known key; allowed keys: count, teams, allow_author, allow_contributors, unattributed_commits, invalidate_on_push, ignore_base_merges, keep_on_rebase, rules (line 5)`,
        '',
      ].join('\n'),
    );
  });
});
