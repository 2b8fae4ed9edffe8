import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { verifyChain } from '../../src/audit/verify-chain.js';
import { webhookExample } from '../fixtures/webhook-examples.js';
import {
  APP_ID,
  audit,
  GITHUB,
  HEAD,
  loseAuditStore,
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

const REPO = 'Codertocat/Hello-World';
const WAITING = { ...PASSING, reviews: [] };

function mergedPayload(): Record<string, unknown> {
  const payload = webhookExample('pull_request', 'closed');
  const pr = payload.pull_request as Record<string, unknown>;
  Object.assign(pr, {
    merged: true,
    merge_commit_sha: 'f'.repeat(40),
    merged_at: '2026-11-01T13:00:00Z',
    merged_by: { login: 'octo-admin' },
  });
  (pr.head as { sha: string }).sha = HEAD;
  return payload;
}

async function evaluate(facts: typeof PASSING): Promise<ReturnType<typeof mockWrites>> {
  mockToken();
  mockFacts(facts);
  mockJira('CHG-1', 'Approved');
  const written = mockWrites();
  await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'ready_for_review'));
  return written;
}

describe('audit trail', () => {
  it('records a verdict once, however often it is re-evaluated, in a chain that verifies', async () => {
    await evaluate(WAITING);
    mockToken();
    mockFacts(WAITING);
    mockJira('CHG-1', 'Approved');
    nock(GITHUB).post(`${REPO_PATH}/check-runs`).reply(201, { id: 78, html_url: 'https://github.com/x/runs/78' });
    nock(GITHUB).post(`${REPO_PATH}/statuses/${HEAD}`).reply(201, {});
    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'ready_for_review'));

    const entries = await audit.list({ repo: REPO, prNumber: 2 });
    expect(entries.map((e) => e.kind)).toEqual(['verdict']);
    expect(entries[0]?.data).toMatchObject({ verdict: { state: 'pending' }, facts: { headSha: HEAD, author: { login: 'Codertocat' } } });
    await expect(verifyChain(audit.iterate())).resolves.toMatchObject({ ok: true, count: 1 });
  });

  it('records a verdict the app published but died before recording, at the next evaluation, with no GitHub write', async () => {
    const first = await evaluate(PASSING);
    await loseAuditStore(); // the process died between its GitHub writes and its audit write
    mockToken();
    mockFacts({
      ...PASSING,
      checkRuns: [
        ...(PASSING.checkRuns ?? []),
        { name: 'Change control', appId: APP_ID, id: 77, externalId: String(first.checkRuns[0]?.external_id) },
      ],
      statuses: [{ context: 'change-control', state: 'SUCCESS', description: String(first.status[0]?.description) }],
    });
    mockJira('CHG-1', 'Approved');

    await receive(newProbot(), 'pull_request', webhookExample('pull_request', 'ready_for_review'));

    const entries = await audit.list({ repo: REPO, prNumber: 2, kinds: ['verdict'] });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.data).toMatchObject({ verdict: { state: 'success' }, published: { wroteStatus: false, checkRun: 'unchanged' } });
  });

  it('records who pushed each head', async () => {
    const payload = webhookExample('pull_request', 'synchronize');
    (payload.sender as { login: string }).login = 'pusher-pat';
    (payload.pull_request as { head: { sha: string } }).head.sha = HEAD;
    mockToken();
    mockFacts(WAITING);
    mockJira('CHG-1', 'Approved');
    mockWrites();

    await receive(newProbot(), 'pull_request', payload);

    const pushes = await audit.list({ repo: REPO, prNumber: 2, kinds: ['push'] });
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ headSha: HEAD, data: { pusher: 'pusher-pat', action: 'synchronize' } });
  });

  it('keeps one trail comment from the first change on, updated in place', async () => {
    await evaluate(WAITING); // first verdict: no comment
    const comments: string[] = [];
    nock(GITHUB)
      .post(`${REPO_PATH}/issues/2/comments`, (body: { body: string }) => comments.push(body.body) > 0)
      .reply(201, { id: 555 });
    await evaluate(PASSING); // pending -> success: the comment appears
    nock(GITHUB)
      .patch(`${REPO_PATH}/issues/comments/555`, (body: { body: string }) => comments.push(body.body) > 0)
      .reply(200, { id: 555 });
    await evaluate({ ...PASSING, checkRuns: [{ name: 'ci/test', conclusion: 'FAILURE' }] }); // success -> failure: updated

    expect(comments).toHaveLength(2);
    expect(comments[1]).toContain('<!-- change-control:trail -->');
    expect(comments[1]?.match(/^\| 2026-/gm)).toHaveLength(3);
    expect(comments[1]).toMatch(/\| pending \|[\s\S]*\| success \|[\s\S]*\| failure \|/);
  });
});

describe('merge evidence', () => {
  it('records the final evidence of a merge through a passing gate, with no exception', async () => {
    await evaluate(PASSING);
    mockToken();
    mockFacts({ ...PASSING, state: 'MERGED' });
    mockJira('CHG-1', 'Approved');

    await receive(newProbot(), 'pull_request', mergedPayload());

    // The claim from the delivery at once, then the evidence read back from GitHub, linked to it.
    const [claim, merge, ...rest] = await audit.list({ repo: REPO, prNumber: 2, kinds: ['merge', 'exception'] });
    expect(rest).toEqual([]);
    expect(claim?.data).toMatchObject({ evidence: 'unverified', mergeSha: 'f'.repeat(40), gate: null, atMerge: { state: 'unverified' } });
    expect(merge?.data).toMatchObject({
      evidence: 'verified',
      claimSeq: claim?.seq,
      mergeSha: 'f'.repeat(40),
      mergedBy: 'octo-admin',
      gate: { state: 'success' },
      atMerge: { state: 'success' },
      ticket: { key: 'CHG-1', status: 'Approved' },
      approvers: [{ login: 'reviewer', commitSha: HEAD }],
      checks: [{ name: 'ci/test', state: 'success' }],
      exceptions: [],
    });
  });

  it('records a bypass as an exception and opens an issue where the policy says, once per delivery', async () => {
    await evaluate(WAITING);
    const policy = `${POLICY}audit:\n  exceptions_repo: Codertocat/compliance\n`;
    const issues: { title: string; body: string }[] = [];
    mockToken();
    mockFacts({ ...WAITING, state: 'MERGED', repoConfig: policy });
    mockJira('CHG-1', 'Approved');
    nock(GITHUB)
      .post('/repos/Codertocat/compliance/issues', (body: { title: string; body: string }) => issues.push(body) > 0)
      .reply(201, { number: 7, html_url: 'https://github.com/Codertocat/compliance/issues/7' });
    nock(GITHUB).post(`${REPO_PATH}/issues/2/comments`).reply(201, { id: 556 });

    await receive(newProbot(), 'pull_request', mergedPayload(), 'merge-delivery');
    // GitHub redelivers the same delivery: nothing is queued (no GitHub call), nothing added, no second issue.
    await receive(newProbot(), 'pull_request', mergedPayload(), 'merge-delivery');

    expect(issues).toHaveLength(1);
    expect(issues[0]?.title).toMatch(/Codertocat\/Hello-World#2 merged without a passing verdict/);
    expect(issues[0]?.body).toContain('@octo-admin');
    expect(issues[0]?.body).toMatch(/last verdict on the merged head was pending/);
    const exceptions = await audit.list({ repo: REPO, prNumber: 2, kinds: ['exception'] });
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]?.data).toMatchObject({
      type: 'bypass',
      mergedBy: 'octo-admin',
      gateState: 'pending',
      issueUrl: 'https://github.com/Codertocat/compliance/issues/7',
    });
  });

  it('a merge GitHub cannot be read for: the claim is on record at once, the evidence stays queued for a retry', async () => {
    await evaluate(WAITING);
    mockToken();
    nock(GITHUB).post('/graphql').reply(502, 'Bad Gateway');

    await receive(newProbot(), 'pull_request', mergedPayload());

    const entries = await audit.list({ repo: REPO, prNumber: 2, kinds: ['merge', 'exception'] });
    expect(entries.map((e) => e.data.evidence)).toEqual(['unverified']);
    expect(entries[0]?.data).toMatchObject({ mergeSha: 'f'.repeat(40), mergedBy: 'octo-admin', gate: null, exceptions: [] });
    await expect(audit.queue.stats()).resolves.toMatchObject({ depth: 1, retrying: 1 });
  });

  it('a merge of a PR the app never evaluated: no claim (its branch may be uncontrolled), the evidence once read', async () => {
    mockToken();
    mockFacts({ ...PASSING, state: 'MERGED' });
    mockJira('CHG-1', 'Approved');
    nock(GITHUB)
      .post('/repos/Codertocat/Hello-World/issues')
      .reply(201, { number: 8, html_url: 'https://github.com/Codertocat/Hello-World/issues/8' });
    nock(GITHUB).post(`${REPO_PATH}/issues/2/comments`).reply(201, { id: 557 });

    await receive(newProbot(), 'pull_request', mergedPayload());

    const [merge, exception, ...rest] = await audit.list({ repo: REPO, prNumber: 2, kinds: ['merge', 'exception'] });
    expect(rest).toEqual([]);
    // No verdict was recorded before the merge: a bypass of the gate, decided from the store, never from the payload.
    expect(merge?.data).toMatchObject({ evidence: 'verified', claimSeq: null, gate: null, exceptions: ['bypass'] });
    expect(exception?.data).toMatchObject({ type: 'bypass', issueUrl: 'https://github.com/Codertocat/Hello-World/issues/8' });
  });
});
