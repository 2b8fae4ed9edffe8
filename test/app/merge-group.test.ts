import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { webhookExample } from '../fixtures/webhook-examples.js';
import {
  audit,
  GITHUB,
  HEAD,
  mockFacts,
  mockJira,
  mockToken,
  newProbot,
  PASSING,
  receive,
  REPO_PATH,
  useHandlerHarness,
} from './harness.js';

useHandlerHarness();

/** GitHub's example group: head 2ffea6d…, base 380387f…, ref naming #104 (the example's PR head is the harness's HEAD). */
function groupEvent(action: 'checks_requested' | 'destroyed' = 'checks_requested', reason?: string): Record<string, unknown> {
  const payload = webhookExample('merge_group', 'checks_requested');
  Object.assign(payload, { action, ...(reason === undefined ? {} : { reason }) });
  Object.assign(payload.repository as object, { name: 'Hello-World', owner: { login: 'Codertocat' } });
  return payload;
}
const GROUP = (webhookExample('merge_group', 'checks_requested').merge_group as Record<string, string>) ?? {};
const GROUP_HEAD = GROUP.head_sha ?? '';
const GROUP_BASE = GROUP.base_sha ?? '';

/** GitHub's comparison of the group's base and head: the PR's head and its merge commit. */
function mockComparison(commits: string[] = [HEAD, GROUP_HEAD], status = 'ahead'): void {
  nock(GITHUB)
    .get(`${REPO_PATH}/compare/${GROUP_BASE}...${GROUP_HEAD}`)
    .reply(200, {
      status,
      ahead_by: commits.length,
      behind_by: 0,
      total_commits: commits.length,
      commits: commits.map((sha) => ({ sha })),
      files: [],
    });
}

function mockOpenPulls(pulls: { number: number; head: string }[]): void {
  nock(GITHUB)
    .get(`${REPO_PATH}/pulls`)
    .query({ state: 'open', base: 'main', per_page: '100' })
    .reply(
      200,
      pulls.map((p) => ({ number: p.number, head: { sha: p.head, ref: `feature-${p.number}` }, base: { ref: 'main' } })),
    );
}

function mockGroupWrites(): { status: Record<string, unknown>[]; checkRuns: Record<string, unknown>[] } {
  const written = { status: [] as Record<string, unknown>[], checkRuns: [] as Record<string, unknown>[] };
  nock(GITHUB)
    .post(`${REPO_PATH}/check-runs`, (body: Record<string, unknown>) => Boolean(written.checkRuns.push(body)))
    .reply(201, { id: 88, html_url: 'https://github.com/Codertocat/Hello-World/runs/88' });
  nock(GITHUB)
    .post(`${REPO_PATH}/statuses/${GROUP_HEAD}`, (body: Record<string, unknown>) => Boolean(written.status.push(body)))
    .reply(201, {});
  return written;
}

describe('merge_group events', () => {
  it('posts success on the group head when the PR its commits hold passes, and records the group', async () => {
    mockToken();
    mockComparison();
    mockOpenPulls([
      { number: 104, head: HEAD },
      { number: 7, head: 'a'.repeat(40) },
    ]);
    mockFacts({ ...PASSING, number: 104 });
    mockJira('CHG-1', 'Approved');
    const written = mockGroupWrites();

    await receive(newProbot(), 'merge_group', groupEvent());

    expect(written.status).toEqual([
      expect.objectContaining({ state: 'success', context: 'change-control', description: 'Every pull request of the group passes: #104' }),
    ]);
    expect(written.checkRuns[0]).toMatchObject({
      name: 'Change control',
      head_sha: GROUP_HEAD,
      status: 'completed',
      conclusion: 'success',
    });
    const [entry] = await audit.list({ kinds: ['merge-group'] });
    expect(entry).toMatchObject({ headSha: GROUP_HEAD, prNumber: null, data: { state: 'success', commits: [HEAD, GROUP_HEAD] } });
    expect(entry?.data.pulls).toEqual([{ number: 104, headSha: HEAD, state: 'success', description: expect.any(String), failing: [] }]);
  });

  it.each([
    {
      case: 'the PR its ref names is not open with its head in the group',
      pulls: [{ number: 7, head: HEAD }],
      status: 'ahead',
      description: /^Merge group not judged: #104, named by the group's ref, is not an open pull request/,
    },
    {
      case: 'the group is not ahead of its base',
      pulls: [{ number: 104, head: HEAD }],
      status: 'diverged',
      description: /diverged of its base/,
    },
  ])('posts error, never success, when $case (reading no PR)', async ({ pulls, status, description }) => {
    mockToken();
    mockComparison([HEAD, GROUP_HEAD], status);
    mockOpenPulls(pulls);
    const written = mockGroupWrites();

    await receive(newProbot(), 'merge_group', groupEvent());

    expect(written.status[0]).toMatchObject({ state: 'error' });
    expect(String(written.status[0]?.description)).toMatch(description);
    expect(written.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
  });

  it('posts failure naming the PR and the control when its ticket is not approved now', async () => {
    mockToken();
    mockComparison();
    mockOpenPulls([{ number: 104, head: HEAD }]);
    mockFacts({ ...PASSING, number: 104 });
    mockJira('CHG-1', 'Withdrawn');
    const written = mockGroupWrites();

    await receive(newProbot(), 'merge_group', groupEvent());

    expect(written.status[0]).toMatchObject({ state: 'failure' });
    expect(String(written.status[0]?.description)).toMatch(/^Not passing: #104 ticket: /);
  });

  it('queues nothing for a redelivery, and records `destroyed` without a call to GitHub', async () => {
    mockToken();
    mockComparison();
    mockOpenPulls([{ number: 104, head: HEAD }]);
    mockFacts({ ...PASSING, number: 104 });
    mockJira('CHG-1', 'Approved');
    mockGroupWrites();
    const probot = newProbot();
    await receive(probot, 'merge_group', groupEvent(), 'delivery-1');
    await receive(probot, 'merge_group', groupEvent(), 'delivery-1');

    await receive(probot, 'merge_group', groupEvent('destroyed', 'dequeued'));

    expect((await audit.list({ kinds: ['merge-group'] })).length).toBe(1);
    const destroyed = await audit.list({ kinds: ['merge-group-destroyed'] });
    expect(destroyed.map((e) => e.data)).toEqual([{ headRef: GROUP.head_ref, baseRef: 'main', reason: 'dequeued' }]);
  });

  it('refuses a group whose head is not a SHA with a 400 error', async () => {
    const payload = groupEvent();
    Object.assign(payload.merge_group as object, { head_sha: 'main' });
    // Probot rejects with an AggregateError of the handlers' errors; the webhook middleware answers with the first one's status.
    await expect(receive(newProbot(), 'merge_group', payload)).rejects.toMatchObject({
      errors: [expect.objectContaining({ status: 400, message: expect.stringMatching(/malformed merge_group payload.*head_sha/) })],
    });
  });
});
