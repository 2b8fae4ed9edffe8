import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { useServiceNowSimulator } from './harness/use-servicenow.js';
import { STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';

/** ServiceNow's business rule calls the app when a change moves: the PRs naming it re-evaluate without any GitHub event. */

const SECRET = 'servicenow-webhook-secret-for-tests';
const { sn, env: serviceNowEnv } = await useServiceNowSimulator();

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: {
    ...serviceNowEnv,
    SERVICENOW_WEBHOOK_SECRET: SECRET,
    // The poll stays out of these tests: only the calls re-evaluate.
    SERVICENOW_POLL_MINUTES: '0',
    // The default cache (the harness switches it off): the PRs of one change share one read after the call forgot it.
    TICKET_CACHE_SECONDS: '30',
  },
});

const POLICY = STANDARD_POLICY.replace('  projects: [CHG]', '  provider: servicenow');

/** What the business rule of docs/tickets.md sends: the change's number and sys_id (its state is never trusted). */
const changeMoved = (number: string, sysId: string) => JSON.stringify({ number, sys_id: sysId, state: '-2', approval: 'approved' });

/** Signs as the business rule does: `GlideCertificateEncryption.generateMac` (base64) over `<ms>.<body>`. */
function signed(body: string, secret = SECRET, at = Date.now()): Record<string, string> {
  const ts = String(at);
  return {
    'x-servicenow-timestamp': ts,
    'x-servicenow-signature': `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('base64')}`,
  };
}

async function postServiceNow(body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const response = await fetch(`${e2e.app.url}/api/servicenow/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: await response.text() };
}

describe('POST /api/servicenow/webhooks', () => {
  it('re-evaluates the PRs naming a change once it is approved: they pass after one signed call, reading the change once', async () => {
    const change = sn.addChange({ number: 'CHG0040001', state: 'Scheduled', approval: 'requested' });
    const repo = e2e.newRepo({ policy: POLICY });
    const first = e2e.openPullRequest(repo, { title: 'CHG0040001: rotate the TLS certificates' });
    const second = e2e.openPullRequest(repo, { title: 'CHG0040001: rotate the TLS certificates, part 2' });
    e2e.makeReady(first, { ticketStatus: null });
    e2e.makeReady(second, { ticketStatus: null });
    const before = await e2e.evaluate(first);
    const beforeSecond = await e2e.evaluate(second);
    expect(before.status).toMatchObject({ state: 'failure', description: 'Ticket CHG0040001: approval "Requested" is pending' });
    expect(beforeSecond.status.state).toBe('failure');
    await e2e.quiet();
    change.approval = 'approved';
    const mark = e2e.github.mark();
    const snBefore = sn.requests().length;

    const body = changeMoved('CHG0040001', change.sysId);
    const answer = await postServiceNow(body, signed(body));

    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toMatchObject({ accepted: 'CHG0040001', queued: 2 });
    const after = await e2e.verdict(first, before.headSha, mark);
    const afterSecond = await e2e.verdict(second, beforeSecond.headSha, mark);
    expect(after.status.state).toBe('success');
    expect(after.status.description).toMatch(/^All controls passed: Ticket CHG0040001 is Scheduled/);
    expect(afterSecond.status.state).toBe('success');
    await e2e.quiet();
    // The change and its approvals, once for both PRs (the reader's cache is shared by the evaluations).
    expect(
      sn
        .requests()
        .slice(snBefore)
        .map((r) => r.path),
    ).toEqual(['/api/now/table/change_request', '/api/now/table/sysapproval_approver']);
  });

  it.each([
    { case: 'unsigned', headers: () => ({}), says: 'missing X-ServiceNow-Signature' },
    { case: 'signed with another secret', headers: (body: string) => signed(body, 'not-the-servicenow-secret'), says: 'does not match' },
    { case: 'a signature of another body', headers: () => signed('{}'), says: 'does not match' },
    {
      case: 'replayed an hour later',
      headers: (body: string) => signed(body, SECRET, Date.now() - 3_600_000),
      says: 'a replay or a wrong clock',
    },
  ])('refuses a call $case with 401 and re-evaluates nothing', async ({ headers, says }) => {
    const change = sn.addChange({ number: 'CHG0040002', state: 'Scheduled', approval: 'requested' });
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: POLICY }), { title: 'CHG0040002: rotate' });
    e2e.makeReady(pr, { ticketStatus: null });
    expect((await e2e.evaluate(pr)).status.state).toBe('failure');
    await e2e.quiet();
    change.approval = 'approved';
    const mark = e2e.github.mark();
    const snBefore = sn.requests().length;

    const body = changeMoved('CHG0040002', change.sysId);
    const answer = await postServiceNow(body, headers(body));
    await e2e.quiet();

    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining(says) });
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 0, restWrites: 0 });
    expect(sn.requests()).toHaveLength(snBefore);
    expect(e2e.app.output()).not.toContain(change.sysId);
  });

  it('accepts a signed call about a change no open PR names: 202, 0 queued, nothing read', async () => {
    const mark = e2e.github.mark();
    const body = changeMoved('CHG0049999', 'f'.repeat(32));

    const answer = await postServiceNow(body, signed(body));
    await e2e.quiet();

    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toMatchObject({ accepted: 'CHG0049999', queued: 0 });
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 0, restWrites: 0 });
    expect(sn.requests()).toEqual([]);
  });
});
