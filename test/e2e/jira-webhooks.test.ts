import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { pullRequestEvent, pullRequestMergedEvent } from './harness/webhooks.js';

/** Jira's issue webhooks: a PR turns green once its ticket is approved, without anyone touching GitHub. */

const SECRET = 'jira-webhook-secret-for-tests';
let e2e: E2E;
useE2E((started) => (e2e = started), { env: { JIRA_WEBHOOK_SECRET: SECRET } });

/** What Jira Cloud sends for an issue update (https://developer.atlassian.com/cloud/jira/platform/webhooks/). */
function issueUpdated(key: string): string {
  return JSON.stringify({
    timestamp: 1_767_000_000_000,
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Cara Change' },
    issue: { id: '10001', key, fields: { status: { name: 'Approved' } } },
    changelog: { id: '10300', items: [{ field: 'status', fieldtype: 'jira', fromString: 'Awaiting Approval', toString: 'Approved' }] },
  });
}

async function postJira(body: string, signature: string | null): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': `wh-${Date.now()}` };
  if (signature !== null) headers['x-hub-signature'] = signature;
  const response = await fetch(`${e2e.app.url}/api/jira/webhooks`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}

const signed = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('POST /api/jira/webhooks', () => {
  it('re-evaluates the PR that references an updated ticket: it turns green without any GitHub event', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo(), { ticket: 'CHG-41' });
    e2e.makeReady(pr, { ticket: 'CHG-41', ticketStatus: 'Awaiting Approval' });
    const before = await e2e.evaluate(pr, { payload: pullRequestEvent(pr, 'opened') });
    expect(before.status.state).toBe('failure');
    e2e.jira.setStatus('CHG-41', 'Approved');
    const mark = e2e.github.mark();

    const body = issueUpdated('CHG-41');
    const answer = await postJira(body, signed(body));

    expect(answer.status).toBe(202);
    const after = await e2e.verdict(pr, before.headSha, mark);
    expect(after.status.state).toBe('success');
    expect(after.status.description).toMatch(/^All controls passed: Ticket CHG-41 is Approved/);
    await e2e.quiet(); // the trail comment follows the changed verdict
  });

  it.each([
    { case: 'unsigned', signature: () => null },
    { case: 'signed with another secret', signature: (body: string) => signed(body, 'not-the-secret') },
    { case: 'a signature of another body', signature: () => signed('{}') },
  ])('refuses a webhook $case with 401 and evaluates nothing', async ({ signature }) => {
    const pr = e2e.openPullRequest(e2e.newRepo(), { ticket: 'CHG-42' });
    e2e.makeReady(pr, { ticket: 'CHG-42', ticketStatus: 'Awaiting Approval' });
    await e2e.evaluate(pr);
    e2e.jira.setStatus('CHG-42', 'Approved');
    const mark = e2e.github.mark();
    const jiraBefore = e2e.jira.requests().length;

    const body = issueUpdated('CHG-42');
    const answer = await postJira(body, signature(body));
    await e2e.quiet();

    expect(answer.status).toBe(401);
    expect(answer.body).toContain('X-Hub-Signature');
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 0, restWrites: 0 });
    expect(e2e.jira.requests()).toHaveLength(jiraBefore);
  });

  it('accepts a signed event about a ticket no open PR references, and touches nothing', async () => {
    const mark = e2e.github.mark();
    const body = issueUpdated('CHG-999');

    const answer = await postJira(body, signed(body));
    await e2e.quiet();

    expect(answer.status).toBe(202);
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 0, restWrites: 0 });
  });

  it('forgets a closed PR: a later event about its ticket evaluates nothing', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo(), { ticket: 'CHG-43' });
    e2e.makeReady(pr, { ticket: 'CHG-43' });
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    await e2e.quiet();
    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    expect((await e2e.send('pull_request', pullRequestMergedEvent(pr))).status).toBe(200);
    await e2e.quiet();
    const mark = e2e.github.mark();

    const body = issueUpdated('CHG-43');
    const answer = await postJira(body, signed(body));
    await e2e.quiet();

    expect(answer.status).toBe(202);
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 0, restWrites: 0 });
  });

  it('answers 405 to anything but POST', async () => {
    const response = await fetch(`${e2e.app.url}/api/jira/webhooks`);

    expect(response.status).toBe(405);
  });
});
