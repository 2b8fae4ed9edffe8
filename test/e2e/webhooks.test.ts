import { describe, expect, it } from '@jest/globals';
import { APP_ID, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { checkRunEvent, deliver, pullRequestEvent, sign, statusEvent } from './harness/webhooks.js';

/** What the server does with deliveries it must refuse or ignore: no GitHub writes, and it stays up. */

let e2e: E2E;
useE2E((started) => (e2e = started));

async function healthz(): Promise<number> {
  return (await fetch(`${e2e.app.url}/healthz`)).status;
}

describe('deliveries the app refuses', () => {
  it.each([
    { name: 'signed with another secret', signature: (body: string) => sign('not-the-secret', body) },
    { name: 'with a malformed signature', signature: () => 'sha256=zz' },
    { name: 'signed with SHA-1 only', signature: () => 'sha1=0000000000000000000000000000000000000000' },
  ])('a delivery $name gets 400 and causes no GitHub or Jira request', async ({ signature }) => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    const body = JSON.stringify(pullRequestEvent(pr, 'opened'));

    const delivery = await deliver({
      appUrl: e2e.app.url,
      secret: e2e.app.webhookSecret,
      event: 'pull_request',
      rawBody: body,
      signature: signature(body),
    });
    await e2e.quiet();

    expect(delivery.status).toBe(400);
    expect(e2e.github.requests()).toEqual([]);
    expect(e2e.jira.requests()).toEqual([]);
  });

  it.each([
    {
      name: 'a pull_request payload without the PR number',
      event: 'pull_request',
      body: (payload: Record<string, unknown>) => JSON.stringify({ ...payload, pull_request: { head: { sha: 'abc' } } }),
    },
    { name: 'a body that is not JSON', event: 'pull_request', body: () => '{"action": "opened", ' },
  ])('$name gets 400, and the server keeps serving', async ({ event, body }) => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    const raw = body(pullRequestEvent(pr, 'opened') as unknown as Record<string, unknown>);

    const refused = await deliver({ appUrl: e2e.app.url, secret: e2e.app.webhookSecret, event, rawBody: raw });
    await e2e.quiet();

    expect(refused.status).toBe(400);
    expect(e2e.github.requests()).toEqual([]);
    expect(e2e.app.exited()).toBe(false);
    expect(await healthz()).toBe(200);
    // And the next good delivery is still evaluated.
    const { status } = await e2e.evaluate(pr);
    expect(status.state).toBe('success');
  });
});

describe('deliveries about the app’s own output are ignored', () => {
  it('our own change-control status does not trigger an evaluation', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    const { headSha } = e2e.github.pullRequest(pr);
    const ours = e2e.github.addStatus({
      ...pr,
      sha: headSha,
      context: 'change-control',
      state: 'pending',
      creator: 'change-control',
      creatorIsBot: true,
    });

    const delivery = await e2e.send('status', statusEvent(pr, ours));
    await e2e.quiet();

    expect(delivery.status).toBe(200);
    // The app may ask GitHub who it is (GET /app, as the app) to recognise its own status; nothing else.
    expect(e2e.github.requests().filter((r) => r.kind !== 'app')).toEqual([]);
  });

  it('our own check run completing does not trigger an evaluation', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    const { headSha } = e2e.github.pullRequest(pr);
    const ours = e2e.github.addCheckRun({ ...pr, sha: headSha, name: 'Change control', conclusion: 'success', appId: APP_ID });

    const delivery = await e2e.send('check_run', checkRunEvent(pr, 'completed', ours));
    await e2e.quiet();

    expect(delivery.status).toBe(200);
    expect(e2e.github.requests()).toEqual([]);
  });
});
