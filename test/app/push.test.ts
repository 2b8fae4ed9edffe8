import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import nock from 'nock';
import { DirectPushRecord } from '../../src/audit/push-records.js';
import { webhookExample } from '../fixtures/webhook-examples.js';
import { audit, GITHUB, mockToken, newProbot, POLICY, receive, REPO_PATH, useHandlerHarness } from './harness.js';

useHandlerHarness();

const BEFORE = 'a'.repeat(40);
const AFTER = 'b'.repeat(40);
const PR_COMMIT = 'c'.repeat(40);

/** A `push` from GitHub's examples, moved to a branch of the harness repository (default branch `master`). */
function pushPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const payload = webhookExample('push', null);
  // The examples' branch push is a creation; the first example is a tag.
  Object.assign(
    payload,
    { ref: 'refs/heads/master', before: BEFORE, after: AFTER, created: false, deleted: false, forced: false },
    overrides,
  );
  return payload;
}

/** The policy on the default branch; its blob id follows its text, as GitHub's does (the policy cache is keyed on it). */
function mockPolicy(policy: string): void {
  nock(GITHUB)
    .post('/graphql', (body: { query: string }) => body.query.includes('ChangeControlPolicy'))
    .reply(200, {
      data: {
        repository: {
          nameWithOwner: 'Codertocat/Hello-World',
          defaultBranchRef: {
            name: 'master',
            target: { file: { object: { oid: createHash('sha1').update(policy).digest('hex'), text: policy, isBinary: false } } },
          },
        },
        orgConfig: null,
      },
    });
}

function restCommit(sha: string, login: string, message: string) {
  const git = { name: login, email: `${login}@example.com`, date: '2026-11-01T11:00:00Z' };
  return { sha, commit: { message, author: git, committer: git }, author: { login }, committer: { login } };
}

function mockCompare(base: string, head: string, commits: ReturnType<typeof restCommit>[]): void {
  nock(GITHUB)
    .get(`${REPO_PATH}/compare/${base}...${head}`)
    .query({ per_page: '100', page: '1' })
    .reply(200, { total_commits: commits.length, commits });
}

function mockAssociated(
  answers: Array<Array<{ number: number; merged: boolean; baseRefName: string; mergeCommit: { oid: string } | null }>>,
): void {
  const repository = Object.fromEntries(answers.map((nodes, i) => [`c${i}`, { associatedPullRequests: { nodes } }]));
  nock(GITHUB)
    .post('/graphql', (body: { query: string }) => body.query.includes('PushCommits'))
    .reply(200, { data: { repository } });
}

function mockIssue(): Array<{ title: string; body: string }> {
  const opened: Array<{ title: string; body: string }> = [];
  nock(GITHUB)
    .post(`${REPO_PATH}/issues`)
    .reply(201, (_uri, body) => {
      opened.push(body as { title: string; body: string });
      return { number: 5, html_url: 'https://github.com/Codertocat/Hello-World/issues/5' };
    });
  return opened;
}

async function directPushes(): Promise<DirectPushRecord[]> {
  const entries = await audit.list({ kinds: ['exception'] });
  return entries.map((entry) => DirectPushRecord.parse(entry.data));
}

describe('push events', () => {
  it('ignores a tag push without a call to GitHub or a queued item', async () => {
    const payload = webhookExample('push', null);
    expect(payload.ref).toMatch(/^refs\/tags\//);

    await receive(newProbot(), 'push', payload);

    expect(await directPushes()).toEqual([]);
  });

  it('ignores a push to a branch the policy does not control after reading the policy only', async () => {
    mockToken();
    mockPolicy(`${POLICY}branches: [main]\n`);

    await receive(newProbot(), 'push', pushPayload({ ref: 'refs/heads/feature' }));

    expect(await directPushes()).toEqual([]);
  });

  it('records a direct commit with the sender, the commit and its author, and opens an issue', async () => {
    mockToken();
    mockPolicy(POLICY);
    mockCompare(BEFORE, AFTER, [restCommit(AFTER, 'octoadmin', 'Hotfix\n\nno PR')]);
    mockAssociated([[]]);
    const issues = mockIssue();

    await receive(newProbot(), 'push', pushPayload());

    expect(issues.map((i) => i.title)).toEqual(['Change control exception: direct push to Codertocat/Hello-World@master']);
    expect(await directPushes()).toEqual([
      expect.objectContaining({
        branch: 'master',
        before: BEFORE,
        after: AFTER,
        forced: false,
        sender: 'Codertocat',
        pusher: { name: 'Codertocat', email: '21031067+Codertocat@users.noreply.github.com' },
        commits: [
          expect.objectContaining({
            sha: AFTER,
            headline: 'Hotfix',
            pullRequest: null,
            author: expect.objectContaining({ login: 'octoadmin' }),
          }),
        ],
        complete: true,
        issueUrl: 'https://github.com/Codertocat/Hello-World/issues/5',
      }),
    ]);
  });

  it('raises nothing for the push of a merged PR (its merge commit in the push)', async () => {
    mockToken();
    mockPolicy(POLICY);
    mockCompare(BEFORE, AFTER, [restCommit(PR_COMMIT, 'alice', 'Change'), restCommit(AFTER, 'bob', 'Merge pull request #2')]);
    const merged = { number: 2, merged: true, baseRefName: 'master', mergeCommit: { oid: AFTER } };
    mockAssociated([[merged], [merged]]);

    await receive(newProbot(), 'push', pushPayload());

    expect(await directPushes()).toEqual([]);
  });

  it('records a deletion of a controlled branch without comparing anything', async () => {
    mockToken();
    mockPolicy(POLICY);
    const issues = mockIssue();

    await receive(newProbot(), 'push', pushPayload({ after: '0'.repeat(40), deleted: true }));

    expect(issues).toHaveLength(1);
    expect(await directPushes()).toEqual([
      expect.objectContaining({ deleted: true, commits: [], totalCommits: null, reasons: ['the branch master was deleted'] }),
    ]);
  });

  it('a redelivery of the push opens no second issue', async () => {
    mockToken();
    mockPolicy(POLICY);
    mockCompare(BEFORE, AFTER, [restCommit(AFTER, 'octoadmin', 'Hotfix')]);
    mockAssociated([[]]);
    mockIssue();
    const probot = newProbot();
    await receive(probot, 'push', pushPayload(), 'delivery-1');

    await receive(probot, 'push', pushPayload(), 'delivery-1');

    expect(await directPushes()).toHaveLength(1);
  });

  it('checks every branch when the policy cannot be parsed (fail closed), as the gate does for PRs', async () => {
    mockToken();
    mockPolicy('approval: [unclosed\n');
    mockCompare(BEFORE, AFTER, [restCommit(AFTER, 'octoadmin', 'Change')]);
    mockAssociated([[]]);
    mockIssue();

    await receive(newProbot(), 'push', pushPayload({ ref: 'refs/heads/feature' }));

    expect(await directPushes()).toEqual([
      expect.objectContaining({ branch: 'feature', policy: expect.stringContaining('.github/change-control.yml@') }),
    ]);
  });

  it('compares a new controlled branch with the default branch: branched off it, nothing to record', async () => {
    mockToken();
    mockPolicy(`${POLICY}branches: [master, 'release/*']\n`);
    // No commits beyond the default branch: no GraphQL question about them.
    mockCompare('master', AFTER, []);

    await receive(newProbot(), 'push', pushPayload({ ref: 'refs/heads/release/1.0', before: '0'.repeat(40), created: true }));

    expect(await directPushes()).toEqual([]);
  });
});
