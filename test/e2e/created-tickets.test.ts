import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CONFIG_PATH, STANDARD_POLICY, startE2E, type E2E } from './harness/start-e2e.js';
import { deploymentProtectionRuleEvent, deploymentStatusEvent } from './harness/deployment-webhooks.js';
import type { RunningApp } from './harness/start-app.js';
import { waitFor } from './harness/wait.js';
import { deliver, pullRequestEvent, pullRequestMergedEvent, type PullTarget } from './harness/webhooks.js';

/**
 * `ticket.create` and `ticket.close_on: merge` (docs/tickets.md#tickets-created-for-you): a PR that names no ticket gets
 * exactly one created for it, whatever the redeliveries and whichever of two replicas (one SQLite file) works it; it
 * waits for that ticket's approval, passes after Jira's webhook, and the ticket is closed on merge. A failed create is
 * `error`, retried by the queue, and never leaves a second ticket behind.
 */

const SECRET = 'jira-webhook-secret-for-tests';
/** Failed work is retried after 200 ms instead of the harness's minutes. */
const ENV = {
  JIRA_WEBHOOK_SECRET: SECRET,
  CHANGE_CONTROL_QUEUE_POLL_MS: '100',
  CHANGE_CONTROL_QUEUE_LEASE_MS: '10000',
  CHANGE_CONTROL_RETRY_BASE_MS: '200',
};
const CREATE_POLICY = STANDARD_POLICY.replace(
  '  projects: [CHG]',
  ['  projects: [CHG]', '  create:', '    project: CHG', '    type: Change', '    when: missing', '  close_on: merge'].join('\n'),
);
const TITLE = 'Rotate the TLS certificates';

let e2e: E2E;
let second: RunningApp;
beforeAll(async () => {
  e2e = await startE2E({ env: ENV });
  second = await e2e.startAnother();
}, 180_000);
afterAll(async () => {
  await e2e?.stop();
});
beforeEach(() => e2e.reset());

const sendTo = (app: RunningApp, event: string, payload: unknown, deliveryId?: string) =>
  deliver({ appUrl: app.url, secret: app.webhookSecret, event, payload, deliveryId });

/** A PR into main that names no ticket, with an independent approval and a green build. */
function openUnticketed(): PullTarget {
  const pr = e2e.openPullRequest(e2e.newRepo({ policy: CREATE_POLICY }), { title: TITLE, headRef: 'rotate-certs' });
  e2e.makeReady(pr, { ticketStatus: null });
  return pr;
}

/** The latest change-control status on the PR's head once it is in `state`. */
async function statusIn(pr: PullTarget, state: string) {
  const { headSha } = e2e.github.pullRequest(pr);
  const latest = () => e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' }).at(-1);
  await waitFor(`a ${state} change-control status on #${pr.number}`, () => latest()?.state === state, { timeoutMs: 30_000 }).catch(
    (error: unknown) => {
      throw new Error(
        `${String(error)}: ${JSON.stringify(e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' }).map((s) => s.description))} ${JSON.stringify(jiraCalls(0))}`,
      );
    },
  );
  return latest()!;
}

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

async function postJira(body: string): Promise<number> {
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const headers = {
    'content-type': 'application/json',
    'x-atlassian-webhook-identifier': `wh-${randomUUID()}`,
    'x-hub-signature': signature,
  };
  return (await fetch(`${e2e.app.url}/api/jira/webhooks`, { method: 'POST', headers, body })).status;
}

const jiraCalls = (from: number) =>
  e2e.jira
    .requests()
    .slice(from)
    .map((r) => `${r.method} ${r.path}`);

describe('ticket.create (Jira)', () => {
  it('creates exactly one ticket across a redelivery and two replicas, waits for it, passes after the webhook, closes it on merge', async () => {
    const pr = openUnticketed();
    const opened = pullRequestEvent(pr, 'opened');
    const id = randomUUID();

    // The same delivery to both replicas, its redelivery, and another event at the same time.
    const answers = await Promise.all([
      sendTo(e2e.app, 'pull_request', opened, id),
      sendTo(second, 'pull_request', opened, id),
      sendTo(second, 'pull_request', opened, id),
      sendTo(second, 'pull_request', pullRequestEvent(pr, 'reopened')),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    await e2e.quiet();

    const created = e2e.jira.created();
    expect(created).toHaveLength(1);
    const key = created[0]!.key;
    // Per created ticket: one create, no search (nothing to reconcile), one PR description write.
    expect(jiraCalls(0).filter((c) => c.startsWith('POST') || c.includes('/search'))).toEqual(['POST /rest/api/3/issue']);
    expect(created[0]).toMatchObject({ summary: TITLE, type: 'Change', labels: [`change-control-pr:acme/${pr.repo}#${pr.number}`] });
    expect(JSON.stringify(created[0]!.description)).toContain(`Author: alice`);
    expect(e2e.github.pullRequest(pr).body).toContain(`<!-- change-control:ticket -->Change ticket: ${key} (created by Change Control)`);
    const patches = e2e.github.requests().filter((r) => r.method === 'PATCH' && r.path.endsWith(`/pulls/${pr.number}`));
    expect(patches).toHaveLength(1);
    const waiting = await statusIn(pr, 'pending');
    expect(waiting.description).toContain(`waiting for approval of ${key} — created for this PR`);

    // Editing the marked line does not swap another (approved) ticket in: the created one is read from the store.
    e2e.jira.addIssue({ key: 'CHG-7', status: 'Approved' });
    const body = e2e.github.pullRequest(pr).body.replace(key, 'CHG-7');
    e2e.github.editPullRequest({ ...pr, body });
    const edited = e2e.github.mark();
    await e2e.send('pull_request', pullRequestEvent(pr, 'edited'));
    await e2e.quiet();
    expect((await statusIn(pr, 'pending')).description).toContain(`waiting for approval of ${key}`);
    expect(e2e.github.requests().filter((r) => r.seq > edited && r.method === 'PATCH' && r.path.includes('/pulls/'))).toEqual([]);

    e2e.jira.setStatus(key, 'Approved');
    const from = e2e.jira.requests().length;
    expect(await postJira(issueUpdated(key))).toBe(202);
    const passed = await statusIn(pr, 'success');
    expect(passed.description).toContain(`Ticket ${key} is Approved`);
    await e2e.quiet();
    // One evaluation after the webhook: the issue and its history, nothing created.
    expect(jiraCalls(from)).toEqual([`GET /rest/api/3/issue/${key}`, `GET /rest/api/3/issue/${key}/changelog`]);

    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    const merging = e2e.jira.requests().length;
    expect((await e2e.send('pull_request', pullRequestMergedEvent(pr))).status).toBe(200);
    await e2e.quiet();
    // Closing: the open transitions, the one to Done, and the evidence comment.
    expect(jiraCalls(merging).filter((c) => !c.startsWith('GET /rest/api/3/issue/' + key) || c.endsWith('/transitions'))).toEqual([
      `GET /rest/api/3/issue/${key}/transitions`,
      `POST /rest/api/3/issue/${key}/transitions`,
      `POST /rest/api/3/issue/${key}/comment`,
    ]);
    expect(e2e.jira.writes().find((w) => w.kind === 'transition')?.key).toBe(key);
    const transitions = e2e.jira.writes().filter((w) => w.kind === 'transition');
    expect(transitions).toEqual([expect.objectContaining({ key, body: { transition: { id: '41' } } })]);
    expect(e2e.jira.unexpectedRequests()).toEqual([]);
    expect(e2e.github.unexpectedRequests()).toEqual([]);
    expect(e2e.jira.created()).toHaveLength(1);
  }, 90_000);

  it('a create Jira answers 500 is `error`, retried by the queue, and leaves exactly one ticket', async () => {
    const pr = openUnticketed();
    e2e.jira.failNextCreates({ status: 500 });

    await e2e.send('pull_request', pullRequestEvent(pr, 'opened'));
    const failed = await statusIn(pr, 'error');
    expect(failed.description).toContain('could not create the change ticket: Jira failed to answer');
    const waiting = await statusIn(pr, 'pending');
    await e2e.quiet();

    const created = e2e.jira.created();
    expect(created).toHaveLength(1);
    expect(waiting.description).toContain(`waiting for approval of ${created[0]!.key}`);
  }, 60_000);

  it('a create whose answer is lost (Jira made it, then 502) is found by its label on the retry, not made twice', async () => {
    const pr = openUnticketed();
    e2e.jira.failNextCreates({ status: 502, afterCreating: true });

    await e2e.send('pull_request', pullRequestEvent(pr, 'opened'));
    await statusIn(pr, 'error');
    const waiting = await statusIn(pr, 'pending');
    await e2e.quiet();

    const created = e2e.jira.created();
    expect(created).toHaveLength(1);
    expect(waiting.description).toContain(`waiting for approval of ${created[0]!.key}`);
    expect(e2e.jira.requests().filter((r) => r.path === '/rest/api/3/search/jql')).toHaveLength(1);
    expect(e2e.github.pullRequest(pr).body).toContain(`Change ticket: ${created[0]!.key}`);
  }, 60_000);

  it('a PR that names a ticket gets none created', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: CREATE_POLICY }), { ticket: 'CHG-5' });
    e2e.makeReady(pr, { ticket: 'CHG-5' });

    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    await e2e.quiet();

    expect(e2e.jira.created()).toEqual([]);
  }, 60_000);

  it('close_on: deploy closes the created ticket after a successful gated deployment, not at merge', async () => {
    // Production runs the default branch head (the baseline, in the organisation's policy so it adds no commit).
    const repo = e2e.newRepo({ policy: null });
    const base = e2e.github.defaultBranchHead(repo);
    const policy = CREATE_POLICY.replace('close_on: merge', 'close_on: deploy');
    e2e.github.addRepository({
      owner: repo.owner,
      repo: '.github',
      installationId: repo.installationId,
      files: { [CONFIG_PATH]: `${policy}deployments:\n  baseline: '${base}'\n` },
    });
    const pr = e2e.openPullRequest(repo, { title: TITLE });
    e2e.makeReady(pr, { ticketStatus: null });
    await e2e.send('pull_request', pullRequestEvent(pr, 'opened'));
    await statusIn(pr, 'pending');
    await e2e.quiet();
    const key = e2e.jira.created()[0]!.key;
    e2e.jira.setStatus(key, 'Approved');
    expect(await postJira(issueUpdated(key))).toBe(202);
    await statusIn(pr, 'success');
    await e2e.quiet();
    const mergeSha = e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    expect((await e2e.send('pull_request', pullRequestMergedEvent(pr))).status).toBe(200);
    await e2e.quiet();
    expect(e2e.jira.writes().filter((w) => w.kind === 'transition')).toEqual([]);

    const deployment = e2e.github.createDeployment({ ...repo, environment: 'production', sha: mergeSha, creator: 'release-bot' });
    const gate = e2e.github.requestDeploymentGate({ ...repo, environment: 'production', sha: mergeSha, deploymentId: deployment.id });
    await e2e.send('deployment_protection_rule', deploymentProtectionRuleEvent({ github: e2e.github, ...repo }, gate));
    expect((await waitFor('the gate answer', () => gate.reviews[0])).state).toBe('approved');
    e2e.github.addDeploymentStatus({ ...repo, deploymentId: deployment.id, state: 'success' });
    await e2e.send('deployment_status', deploymentStatusEvent({ github: e2e.github, ...repo }, deployment));
    await e2e.quiet();

    expect(
      e2e.jira
        .writes()
        .filter((w) => w.kind === 'transition')
        .map((w) => w.key),
    ).toEqual([key]);
    const comment = e2e.jira
      .writes()
      .filter((w) => w.kind === 'comment' && w.key === key)
      .at(-1);
    expect(JSON.stringify(comment?.body)).toContain(`Deployed commit: ${mergeSha} (deployment ${deployment.id}`);
    expect(e2e.jira.unexpectedRequests()).toEqual([]);
  }, 90_000);

  it('a close Jira refuses (503) is retried by the queue until the ticket is closed, once', async () => {
    const pr = openUnticketed();
    await e2e.send('pull_request', pullRequestEvent(pr, 'opened'));
    await statusIn(pr, 'pending');
    await e2e.quiet();
    const key = e2e.jira.created()[0]!.key;
    e2e.jira.setStatus(key, 'Approved');
    expect(await postJira(issueUpdated(key))).toBe(202);
    await statusIn(pr, 'success');
    await e2e.quiet();
    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    e2e.jira.failNextWrites(503);

    expect((await e2e.send('pull_request', pullRequestMergedEvent(pr))).status).toBe(200);
    await waitFor('the created ticket closed', () => e2e.jira.writes().some((w) => w.kind === 'transition'), { timeoutMs: 30_000 });
    await e2e.quiet();

    const attempts = e2e.jira.requests().filter((r) => r.method === 'POST' && r.path === `/rest/api/3/issue/${key}/transitions`);
    expect(attempts.map((r) => r.status)).toEqual([503, 204]);
    expect(e2e.jira.writes().filter((w) => w.kind === 'transition')).toHaveLength(1);
  }, 60_000);
});
