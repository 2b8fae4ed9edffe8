import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { prFactsResponse } from '../fixtures/pr-facts-response.js';
import { webhookExample } from '../fixtures/webhook-examples.js';
import {
  APP_ID,
  audit,
  GITHUB,
  HEAD,
  mockFacts,
  mockJira,
  mockToken,
  mockWrites,
  newProbot,
  PASSING,
  POLICY,
  receive,
  REPO_PATH,
  useHandlerHarness,
} from './harness.js';

useHandlerHarness();

describe('pull_request events', () => {
  it('posts success and a check run when every control passes', async () => {
    mockToken();
    mockFacts(PASSING);
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();

    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'opened'));

    expect(written.status).toEqual([
      expect.objectContaining({
        state: 'success',
        context: 'change-control',
        target_url: 'https://github.com/Codertocat/Hello-World/runs/77',
      }),
    ]);
    expect(written.checkRuns[0]).toMatchObject({ name: 'Change control', head_sha: HEAD, status: 'completed', conclusion: 'success' });
    const summary = (written.checkRuns[0]?.output as { summary: string }).summary;
    expect(summary).toContain('CHG-1');
    expect(summary).toContain('@reviewer approved ec26c3e');
    expect(summary).toContain('ci/test');
  });

  it.each([
    { name: 'the ticket awaits approval', jira: 'Awaiting approval', facts: PASSING, state: 'failure', description: /needs Approved/ },
    {
      name: 'only the author approved',
      jira: 'Approved',
      facts: { ...PASSING, reviews: [{ login: 'Codertocat', state: 'APPROVED', commit: HEAD, at: '2026-11-01T11:00:00Z' }] },
      state: 'pending',
      description: /Needs 1 more independent approval/,
    },
    {
      name: 'the required check failed',
      jira: 'Approved',
      facts: { ...PASSING, checkRuns: [{ name: 'ci/test', conclusion: 'FAILURE' }] },
      state: 'failure',
      description: /Failed: ci\/test/,
    },
  ])('posts $state when $name', async ({ jira, facts, state, description }) => {
    mockToken();
    mockFacts(facts);
    mockJira('CHG-1', jira);
    const written = mockWrites();

    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'opened'));

    expect(written.status[0]).toMatchObject({ state });
    expect(String(written.status[0]?.description)).toMatch(description);
  });

  it('posts error, never success, when Jira answers 503', async () => {
    mockToken();
    mockFacts(PASSING);
    mockJira('CHG-1', '', 503);
    const written = mockWrites();

    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'opened'));

    expect(written.status[0]).toMatchObject({ state: 'error' });
    expect(String(written.status[0]?.description)).toMatch(/Jira lookup of CHG-1 failed/);
    expect(written.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
  });

  it('posts error naming the key and line when the policy is invalid', async () => {
    mockToken();
    mockFacts({ ...PASSING, repoConfig: 'ticket:\n  projects: [CHG]\napprovals:\n  count: 1\n' });
    const written = mockWrites();

    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'opened'));

    expect(written.status[0]).toMatchObject({ state: 'error' });
    const summary = (written.checkRuns[0]?.output as { summary: string }).summary;
    expect(summary).toMatch(/approvals is not a known key.*line 3/);
  });

  it('uses the organisation policy when the repository has none', async () => {
    mockToken();
    mockFacts({ ...PASSING, repoConfig: null, orgConfig: POLICY.replace('count: 1', 'count: 2') });
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();

    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'opened'));

    expect(written.status[0]).toMatchObject({ state: 'pending' });
    expect((written.checkRuns[0]?.output as { text: string }).text).toContain('Codertocat/.github:.github/change-control.yml');
  });

  it('tolerates a missing organisation .github repository (GitHub answers NOT_FOUND for it)', async () => {
    mockToken();
    nock(GITHUB)
      .post('/graphql')
      .reply(200, {
        data: prFactsResponse({ ...PASSING, repoConfig: null }),
        errors: [
          { type: 'NOT_FOUND', path: ['orgConfig'], message: "Could not resolve to a Repository with the name 'Codertocat/.github'." },
        ],
      });

    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'opened'));
    // No policy anywhere: no status, no check run (nock fails the test on any write).
  });

  it.each([
    { name: 'a base branch outside the policy', facts: { ...PASSING, baseRef: 'develop' } },
    { name: 'a closed pull request', facts: { ...PASSING, state: 'CLOSED' as const } },
  ])('writes nothing for $name', async ({ facts }) => {
    mockToken();
    mockFacts(facts);

    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'opened'));
  });

  it('writes nothing when the verdict and report are unchanged', async () => {
    mockToken();
    mockFacts(PASSING);
    mockJira('CHG-1', 'Approved');
    const first = mockWrites();
    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'opened'));
    const externalId = String(first.checkRuns[0]?.external_id);
    const description = String(first.status[0]?.description);

    mockToken();
    mockFacts({
      ...PASSING,
      checkRuns: [...(PASSING.checkRuns ?? []), { name: 'Change control', appId: APP_ID, externalId, id: 77 }],
      statuses: [{ context: 'change-control', state: 'SUCCESS', description }],
    });
    mockJira('CHG-1', 'Approved');
    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'synchronize'));
    // No further write was mocked: any write would be an unmatched request.
  });

  it('posts error on the event head SHA when GitHub cannot be read', async () => {
    mockToken();
    nock(GITHUB).post('/graphql').reply(502, { message: 'Bad gateway' });
    const statuses: Record<string, unknown>[] = [];
    nock(GITHUB)
      .post(`${REPO_PATH}/statuses/${HEAD}`, (body: Record<string, unknown>) => statuses.push(body) > 0)
      .reply(201, {});

    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'opened'));

    expect(statuses[0]).toMatchObject({ state: 'error', context: 'change-control' });
  });

  it('refuses a payload without the pull request with a 400 error', async () => {
    const payload = webhookExample('pull_request', 'opened');
    delete payload.pull_request;

    // Probot rejects with an AggregateError of the handlers' errors; the webhook middleware answers with the first one's status.
    await expect(receive(newProbot(), 'pull_request', payload)).rejects.toMatchObject({
      errors: [expect.objectContaining({ status: 400, message: expect.stringMatching(/malformed pull_request payload.*pull_request/) })],
    });
  });
});

describe('check and status events', () => {
  it('evaluates the PRs a completed check run names', async () => {
    mockToken();
    mockFacts(PASSING);
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();

    await receive(newProbot(), 'check_run', webhookExample('check_run', 'completed'));

    expect(written.status[0]).toMatchObject({ state: 'success' });
  });

  it('ignores completion of its own check run', async () => {
    const payload = webhookExample('check_run', 'completed');
    (payload.check_run as { app: { id: number } }).app.id = APP_ID;

    await receive(newProbot(), 'check_run', payload);
  });

  it('ignores its own commit status', async () => {
    const payload = webhookExample('status', null);
    payload.context = 'change-control';
    (payload.sender as { login: string }).login = 'change-control[bot]';

    await receive(newProbot(), 'status', payload);
  });

  it('re-posts its status and records it when someone else overwrites it', async () => {
    const payload = webhookExample('status', null);
    Object.assign(payload, { sha: HEAD, context: 'change-control', state: 'success', description: 'trust me' });
    (payload.sender as { login: string }).login = 'mallory';
    payload.repository = webhookExample('check_run', 'completed').repository;
    mockToken();
    nock(GITHUB)
      .get(`${REPO_PATH}/commits/${HEAD}/pulls`)
      .query(true)
      .reply(200, [{ number: 2, state: 'open', head: { sha: HEAD } }]);
    // GitHub shows the forged status, and our check run is current: only the status is re-posted.
    mockFacts({ ...PASSING, reviews: [], statuses: [{ context: 'change-control', state: 'SUCCESS', description: 'trust me' }] });
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();
    const comments: string[] = [];
    nock(GITHUB)
      .post(`${REPO_PATH}/issues/2/comments`, (body: { body: string }) => comments.push(body.body) > 0)
      .reply(201, { id: 9 });

    await receive(newProbot(), 'status', payload);

    expect(written.status[0]).toMatchObject({ state: 'pending' });
    expect(comments[0]).toMatch(/tampered \| status overwritten by mallory/);
    const entries = await audit.list({ repo: 'Codertocat/Hello-World', prNumber: 2 });
    expect(entries.map((e) => e.kind)).toEqual(['status-overwritten', 'verdict']);
    expect(entries[0]?.data).toMatchObject({ overwrittenBy: 'mallory', state: 'success', description: 'trust me' });
  });

  it('maps a status to the open PRs whose head it is', async () => {
    const payload = webhookExample('status', null);
    payload.sha = HEAD;
    payload.context = 'ci/test';
    mockToken();
    nock(GITHUB)
      .get(`${REPO_PATH}/commits/${HEAD}/pulls`)
      .query(true)
      .reply(200, [
        { number: 2, state: 'open', head: { sha: HEAD } },
        { number: 9, state: 'closed', head: { sha: HEAD } },
      ]);
    mockFacts(PASSING);
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();

    await receive(newProbot(), 'status', payload);

    expect(written.status).toHaveLength(1);
  });

  it('evaluates the PR whose merge ref a code scanning alert names', async () => {
    const payload = webhookExample('code_scanning_alert', 'fixed');
    Object.assign(payload, { repository: webhookExample('check_run', 'completed').repository, installation: { id: 1 } });
    mockToken();
    mockFacts(PASSING);
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();

    await receive(newProbot(), 'code_scanning_alert', payload);

    expect(written.status[0]).toMatchObject({ state: 'success' });
  });

  it('maps a code scanning alert of a branch to the open PRs whose head its commit is', async () => {
    const payload = webhookExample('code_scanning_alert', 'created');
    Object.assign(payload, {
      ref: 'refs/heads/changes',
      commit_oid: HEAD,
      repository: webhookExample('check_run', 'completed').repository,
      installation: { id: 1 },
    });
    mockToken();
    nock(GITHUB)
      .get(`${REPO_PATH}/commits/${HEAD}/pulls`)
      .query(true)
      .reply(200, [{ number: 2, state: 'open', head: { sha: HEAD } }]);
    mockFacts(PASSING);
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();

    await receive(newProbot(), 'code_scanning_alert', payload);

    expect(written.status).toHaveLength(1);
  });

  it('queues nothing for a dismissal that names neither a ref nor an instance', async () => {
    const payload = webhookExample('code_scanning_alert', 'closed_by_user');
    delete (payload.alert as { most_recent_instance?: unknown }).most_recent_instance;

    await receive(newProbot(), 'code_scanning_alert', payload);
  });

  it('writes a fresh check run and status when our check run is re-requested, even if unchanged', async () => {
    const payload = webhookExample('check_run', 'rerequested');
    payload.repository = webhookExample('check_run', 'completed').repository;
    const checkRun = payload.check_run as { app: { id: number }; name: string; head_sha: string; pull_requests: unknown[] };
    checkRun.app.id = APP_ID;
    checkRun.name = 'Change control';
    checkRun.head_sha = HEAD;
    checkRun.pull_requests = [{ number: 2 }];
    mockToken();
    mockFacts({ ...PASSING, statuses: [{ context: 'change-control', state: 'SUCCESS', description: 'x' }] });
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();

    await receive(newProbot(), 'check_run', payload);

    expect(written.checkRuns).toHaveLength(1);
    expect(written.status).toHaveLength(1);
  });
});
