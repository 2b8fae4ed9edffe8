import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import type { AuditStore } from '../../src/audit/audit-entry.js';
import { lastDeployedSha } from '../../src/audit/last-deployed-sha.js';
import { deploymentGateEntry, deploymentStatusEntry, emergencyEntry, mergeEntry, sha } from '../fixtures/deployment-entries.js';
import { webhookExample } from '../fixtures/webhook-examples.js';
import { audit, GITHUB, mockToken, newProbot, POLICY, receive, REPO_PATH, useHandlerHarness } from './harness.js';

useHandlerHarness();

const REPO = 'Codertocat/Hello-World';
const RUN_ID = 4242;
const PROD = sha('1');
const DEPLOYED = sha('9');
const repository = webhookExample('pull_request', 'opened').repository;

function gateEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: 'requested',
    environment: 'production',
    event: 'push',
    sha: DEPLOYED,
    ref: 'refs/heads/main',
    deployment_callback_url: `${GITHUB}${REPO_PATH}/actions/runs/${RUN_ID}/deployment_protection_rule`,
    deployment: { id: 501, sha: DEPLOYED },
    repository,
    installation: { id: 1 },
    ...overrides,
  };
}

function mockPolicy(text: string | null = POLICY): void {
  const file = text === null ? null : { object: { oid: sha('c'), text, isBinary: false } };
  nock(GITHUB)
    .post('/graphql', (body: { query: string }) => body.query.includes('query ChangeControlPolicy'))
    .reply(200, { data: { repository: { nameWithOwner: REPO, defaultBranchRef: { name: 'main', target: { file } } }, orgConfig: null } });
}

function mockCompare(base: string, head: string, commits: string[]): void {
  nock(GITHUB)
    .get(`${REPO_PATH}/compare/${base}...${head}`)
    .query({ per_page: 100, page: 1 })
    .reply(200, { status: 'ahead', total_commits: commits.length, commits: commits.map((c) => ({ sha: c, parents: [] })) });
}

function mockAnswer(status = 204): Array<{ environment_name: string; state: string; comment: string }> {
  const answers: Array<{ environment_name: string; state: string; comment: string }> = [];
  nock(GITHUB)
    .post(
      `${REPO_PATH}/actions/runs/${RUN_ID}/deployment_protection_rule`,
      (body: { environment_name: string; state: string; comment: string }) => {
        answers.push(body);
        return true;
      },
    )
    .reply(status, status === 422 ? { message: 'No pending deployment protection rule' } : undefined);
  return answers;
}

/** Production at PROD (recorded), and #1 merged as `m` with commit `a`, approved. */
async function seedApprovedChange(): Promise<void> {
  await audit.append(deploymentStatusEntry({ repo: REPO, at: '2026-10-01T10:00:00Z', sha: PROD }));
  await audit.append(
    mergeEntry({ repo: REPO, number: 1, at: '2026-10-02T10:00:00Z', head: sha('a'), mergeSha: DEPLOYED, commits: [sha('a')] }),
  );
}

const gates = async () => (await audit.list({ repo: REPO, kinds: ['deployment-gate'] })).map((e) => e.data);

describe('deployment_protection_rule.requested', () => {
  it('approves a deployment whose new commits all come from approved changes, listing them, and records it', async () => {
    await seedApprovedChange();
    mockToken();
    mockPolicy();
    mockCompare(PROD, DEPLOYED, [sha('a'), DEPLOYED]);
    const answers = mockAnswer();

    await receive(newProbot(), 'deployment_protection_rule', gateEvent());

    expect(answers).toEqual([
      { environment_name: 'production', state: 'approved', comment: expect.stringContaining('- #1 CHG-1: change 1 (ticket CHG-1)') },
    ]);
    expect(await gates()).toEqual([
      expect.objectContaining({
        state: 'approved',
        runId: RUN_ID,
        deploymentId: 501,
        previous: { sha: PROD, source: 'audit' },
        commitCount: 2,
        uncovered: [],
        error: null,
      }),
    ]);
  });

  it('rejects naming the commit that came through no approved change', async () => {
    await seedApprovedChange();
    mockToken();
    mockPolicy();
    mockCompare(PROD, DEPLOYED, [sha('d'), sha('a'), DEPLOYED]);
    const answers = mockAnswer();

    await receive(newProbot(), 'deployment_protection_rule', gateEvent());

    expect(answers[0]?.state).toBe('rejected');
    expect(answers[0]?.comment).toContain(`- ${sha('d')}: no merged pull request recorded by Change Control contains it`);
    expect(answers[0]?.comment).toContain('Approved changes in this deployment:\n- #1');
  });

  it('approves an emergency change without its retrospective approval, and lists it as outstanding', async () => {
    await audit.append(deploymentStatusEntry({ repo: REPO, at: '2026-10-01T10:00:00Z', sha: PROD }));
    await audit.append(
      emergencyEntry({ repo: REPO, number: 2, head: sha('b'), at: '2026-10-02T09:00:00Z', dueAt: '2026-11-05T09:00:00Z' }),
    );
    await audit.append(
      mergeEntry({
        repo: REPO,
        number: 2,
        at: '2026-10-02T10:00:00Z',
        head: sha('b'),
        mergeSha: DEPLOYED,
        commits: [sha('b')],
        gate: 'pending',
        atMerge: 'pending',
      }),
    );
    mockToken();
    mockPolicy();
    mockCompare(PROD, DEPLOYED, [sha('b'), DEPLOYED]);
    const answers = mockAnswer();

    await receive(newProbot(), 'deployment_protection_rule', gateEvent());

    expect(answers[0]?.state).toBe('approved');
    expect(answers[0]?.comment).toContain('emergency change authorised by @oncall, retrospective approval outstanding');
  });

  it('gives no answer for an environment the policy does not gate', async () => {
    mockToken();
    mockPolicy();

    await receive(newProbot(), 'deployment_protection_rule', gateEvent({ environment: 'staging' }));

    expect(await gates()).toEqual([]);
  });

  it('treats a 422 (the run was already reviewed) as done, not as an error', async () => {
    await seedApprovedChange();
    mockToken();
    mockPolicy();
    mockCompare(PROD, DEPLOYED, [DEPLOYED]);
    const answers = mockAnswer(422);

    await expect(receive(newProbot(), 'deployment_protection_rule', gateEvent())).resolves.toBeUndefined();

    expect(answers).toHaveLength(1);
  });

  it('rejects, never approves, when the audit store cannot be read', async () => {
    const failing: AuditStore = {
      ...audit,
      list: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      append: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
    };
    mockToken();
    mockPolicy();
    const answers = mockAnswer();

    // The answer is sent; the delivery fails because the rejection could not be recorded either.
    await expect(receive(newProbot({ audit: failing }), 'deployment_protection_rule', gateEvent())).rejects.toThrow(/ECONNREFUSED/);

    expect(answers).toEqual([
      {
        environment_name: 'production',
        state: 'rejected',
        comment:
          'Change Control rejected 9999999 for production: the evidence could not be read (connect ECONNREFUSED 127.0.0.1:5432). Nothing is approved without it; re-run the job once it can be read.',
      },
    ]);
  });

  it('sends a rejection when an approval cannot be recorded', async () => {
    await seedApprovedChange();
    const unwritable: AuditStore = { ...audit, append: async () => Promise.reject(new Error('disk I/O error')) };
    mockToken();
    mockPolicy();
    mockCompare(PROD, DEPLOYED, [DEPLOYED]);
    const answers = mockAnswer();

    await expect(receive(newProbot({ audit: unwritable }), 'deployment_protection_rule', gateEvent())).rejects.toThrow(/disk I\/O error/);

    expect(answers[0]).toMatchObject({
      state: 'rejected',
      comment: expect.stringContaining('the approval could not be recorded in the audit store: disk I/O error'),
    });
  });

  it('rejects when GitHub cannot be read', async () => {
    await seedApprovedChange();
    mockToken();
    mockPolicy();
    nock(GITHUB).get(`${REPO_PATH}/compare/${PROD}...${DEPLOYED}`).query(true).reply(502, { message: 'Bad Gateway' });
    const answers = mockAnswer();

    await receive(newProbot(), 'deployment_protection_rule', gateEvent());

    expect(answers[0]).toMatchObject({ state: 'rejected', comment: expect.stringContaining('the evidence could not be read') });
    expect(await gates()).toEqual([expect.objectContaining({ state: 'rejected', error: expect.stringContaining('Bad Gateway') })]);
  });

  it('rejects when the policy cannot be used', async () => {
    mockToken();
    mockPolicy('deployments:\n  enviroments: [production]\n');
    const answers = mockAnswer();

    await receive(newProbot(), 'deployment_protection_rule', gateEvent());

    expect(answers[0]).toMatchObject({ state: 'rejected', comment: expect.stringContaining('deployments.enviroments is not a known key') });
  });

  it('finds production on GitHub when the audit trail has no deployment yet', async () => {
    await audit.append(
      mergeEntry({ repo: REPO, number: 1, at: '2026-10-02T10:00:00Z', head: sha('a'), mergeSha: DEPLOYED, commits: [sha('a')] }),
    );
    // The gate approved 300 (its success status was missed); 400 succeeded by hand, 350 was approved with an uncovered commit.
    await audit.append(deploymentGateEntry({ repo: REPO, at: '2026-10-01T09:00:00Z', sha: PROD, deploymentId: 300 }));
    await audit.append(
      deploymentGateEntry({ repo: REPO, at: '2026-10-01T09:30:00Z', sha: sha('3'), deploymentId: 350, uncovered: [sha('3')] }),
    );
    mockToken();
    mockPolicy();
    nock(GITHUB)
      .get(`${REPO_PATH}/deployments`)
      .query({ environment: 'production', per_page: 20 })
      .reply(200, [
        { id: 501, sha: DEPLOYED },
        { id: 400, sha: sha('2') },
        { id: 350, sha: sha('3') },
        { id: 300, sha: PROD },
      ]);
    // Only the approved deployment's statuses are read: a success on any other never counts.
    nock(GITHUB)
      .get(`${REPO_PATH}/deployments/300/statuses`)
      .query({ per_page: 100 })
      .reply(200, [{ state: 'inactive' }, { state: 'success' }]);
    mockCompare(PROD, DEPLOYED, [sha('a'), DEPLOYED]);
    const answers = mockAnswer();

    await receive(newProbot(), 'deployment_protection_rule', gateEvent());

    expect(answers[0]?.state).toBe('approved');
    expect((await gates()).at(-1)).toMatchObject({ deploymentId: 501, previous: { sha: PROD, source: 'github' } });
  });

  it('uses deployments.baseline when no deployment is known, and rejects asking for it when it is not set', async () => {
    await audit.append(
      mergeEntry({ repo: REPO, number: 1, at: '2026-10-02T10:00:00Z', head: sha('a'), mergeSha: DEPLOYED, commits: [sha('a')] }),
    );
    mockToken();
    mockPolicy(`${POLICY}deployments:\n  baseline: '${PROD}'\n`);
    nock(GITHUB).get(`${REPO_PATH}/deployments`).query(true).reply(200, []);
    mockCompare(PROD, DEPLOYED, [sha('a'), DEPLOYED]);
    const approved = mockAnswer();

    await receive(newProbot(), 'deployment_protection_rule', gateEvent());

    expect(approved[0]?.state).toBe('approved');

    mockToken();
    mockPolicy();
    nock(GITHUB).get(`${REPO_PATH}/deployments`).query(true).reply(200, []);
    const rejected = mockAnswer();

    await receive(newProbot(), 'deployment_protection_rule', gateEvent());

    expect(rejected[0]).toMatchObject({
      state: 'rejected',
      comment: expect.stringContaining('set deployments.baseline in .github/change-control.yml'),
    });
  });
});

function statusEvent(state: string): Record<string, unknown> {
  const payload = webhookExample('deployment_status', 'created');
  const deployment = payload.deployment as Record<string, unknown>;
  Object.assign(deployment, { id: 501, sha: DEPLOYED, ref: 'main', environment: 'production' });
  Object.assign(payload.deployment_status as Record<string, unknown>, {
    state,
    environment: 'production',
    created_at: '2026-11-01T11:59:00Z',
  });
  return { ...payload, repository };
}

describe('deployment and deployment_status', () => {
  it('records a successful deployment with the changes it brought', async () => {
    await seedApprovedChange();
    await audit.append(deploymentGateEntry({ repo: REPO, at: '2026-11-01T11:00:00Z', sha: DEPLOYED, deploymentId: 501 }));
    mockToken();
    mockPolicy();
    mockCompare(PROD, DEPLOYED, [sha('a'), DEPLOYED]);

    await receive(newProbot(), 'deployment_status', statusEvent('success'));

    const [, entry] = await audit.list({ repo: REPO, kinds: ['deployment-status'] });
    expect(entry?.headSha).toBe(DEPLOYED);
    expect(entry?.data).toMatchObject({
      state: 'success',
      environment: 'production',
      at: '2026-11-01T11:59:00Z',
      previous: { sha: PROD, source: 'audit' },
      uncovered: [],
      changesError: null,
    });
    expect((entry?.data.changes as Array<{ prNumber: number }>).map((c) => c.prNumber)).toEqual([1]);
  });

  it('records a success the gate did not approve as a deployment-bypass, with an issue, and never as production', async () => {
    await seedApprovedChange();
    mockToken();
    mockPolicy();
    mockCompare(PROD, DEPLOYED, [sha('a'), DEPLOYED]);
    const issues: Array<{ title: string; body: string }> = [];
    nock(GITHUB)
      .post(`${REPO_PATH}/issues`, (body: { title: string; body: string }) => issues.push(body) > 0)
      .reply(201, { html_url: 'https://github.com/Codertocat/Hello-World/issues/9' });

    await receive(newProbot(), 'deployment_status', statusEvent('success'));

    const [, status] = await audit.list({ repo: REPO, kinds: ['deployment-status'] });
    expect(status?.data).toMatchObject({ state: 'success', gateSeq: null });
    const [exception] = await audit.list({ repo: REPO, kinds: ['exception'] });
    expect(exception?.data).toEqual({
      type: 'deployment-bypass',
      environment: 'production',
      sha: DEPLOYED,
      deploymentId: 501,
      statusCreator: expect.any(String),
      deploymentCreator: expect.any(String),
      reason: `Change Control did not approve deployment 501 of ${DEPLOYED.slice(0, 7)} to production (no deployment-gate entry)`,
      statusSeq: status?.seq,
      issueUrl: 'https://github.com/Codertocat/Hello-World/issues/9',
    });
    expect(issues[0]?.title).toBe(`Change control exception: ${REPO} deployed ${DEPLOYED.slice(0, 7)} to production without the gate`);
    // The next gate still compares with PROD, the last deployment the gate approved.
    expect(await lastDeployedSha({ store: audit, repo: REPO, environment: 'production' })).toMatchObject({ sha: PROD });
  });

  it('records a failed deployment without changes, and ignores states that are not final', async () => {
    mockToken();
    mockPolicy();

    await receive(newProbot(), 'deployment_status', statusEvent('failure'));
    await receive(newProbot(), 'deployment_status', statusEvent('in_progress'));

    const entries = await audit.list({ repo: REPO, kinds: ['deployment-status'] });
    expect(entries.map((e) => e.data)).toEqual([expect.objectContaining({ state: 'failure', changes: null, previous: null })]);
  });

  it('records a success even when its changes cannot be worked out, saying why', async () => {
    await audit.append(deploymentGateEntry({ repo: REPO, at: '2026-11-01T11:00:00Z', sha: DEPLOYED, deploymentId: 501 }));
    mockToken();
    mockPolicy();
    nock(GITHUB).get(`${REPO_PATH}/deployments`).query(true).reply(200, []);

    await receive(newProbot(), 'deployment_status', statusEvent('success'));

    const [entry] = await audit.list({ repo: REPO, kinds: ['deployment-status'] });
    expect(entry?.data).toMatchObject({
      state: 'success',
      changes: null,
      changesError: expect.stringContaining('no successful deployment to production is known'),
    });
  });

  it('records who created a deployment to a gated environment, and nothing for another', async () => {
    const created = webhookExample('deployment', 'created');
    Object.assign(created.deployment as Record<string, unknown>, { id: 501, sha: DEPLOYED, ref: 'main', environment: 'production' });
    mockToken();
    mockToken();
    mockPolicy();
    mockPolicy();

    await receive(newProbot(), 'deployment', { ...created, repository });
    await receive(newProbot(), 'deployment', {
      ...created,
      repository,
      deployment: { ...(created.deployment as object), environment: 'staging' },
    });

    const entries = await audit.list({ repo: REPO, kinds: ['deployment'] });
    expect(entries.map((e) => e.data)).toEqual([
      expect.objectContaining({ deploymentId: 501, environment: 'production', sha: DEPLOYED, creator: expect.any(String) }),
    ]);
  });
});
