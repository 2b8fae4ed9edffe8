import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSmeeSimulator, type SmeeSimulator } from '../simulators/smee/create-smee-simulator.js';
import type { E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';
import { pullRequestEvent, sign } from './harness/webhooks.js';

/**
 * Local development the Probot way (docs/getting-started.md): with WEBHOOK_PROXY_URL set, the app started as
 * `npm start` does connects to the smee channel itself (Probot starts smee-client, a devDependency) and the
 * deliveries relayed on the channel reach its webhook route. Here a local SSE server speaks smee.io's format.
 */
let e2e: E2E;
let smee: SmeeSimulator;
const env: Record<string, string> = {};

// Registered before useE2E's, so the channel exists (and its URL is in env) when the app starts.
beforeAll(async () => {
  smee = await startSmeeSimulator();
  env.WEBHOOK_PROXY_URL = smee.channelUrl;
});
useE2E((started) => (e2e = started), { env });
afterAll(() => smee?.stop());

function relay(payload: unknown, secret: string): string {
  const id = randomUUID();
  const body = JSON.stringify(payload);
  smee.relay({
    headers: {
      'X-GitHub-Event': 'pull_request',
      'X-GitHub-Delivery': id,
      'X-Hub-Signature-256': sign(secret, body),
      'User-Agent': 'GitHub-Hookshot/smee',
    },
    body: payload,
  });
  return id;
}

describe('WEBHOOK_PROXY_URL', () => {
  it('the app listens on the channel and evaluates a delivery relayed through it; a forged one is still refused', async () => {
    await waitFor('the app to listen on the smee channel', () => smee.listeners() === 1, { timeoutMs: 10_000 });
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    const { headSha } = e2e.github.pullRequest(pr);

    // Signed with another secret: smee-client forwards it, the app's signature check refuses it.
    relay(pullRequestEvent(pr, 'opened'), 'not-the-secret');
    await e2e.quiet();
    expect(e2e.github.requests()).toEqual([]);

    const mark = e2e.github.mark();
    relay(pullRequestEvent(pr, 'opened'), e2e.app.webhookSecret);
    const verdict = await e2e.verdict(pr, headSha, mark);

    expect(verdict.status).toMatchObject({ state: 'success', context: 'change-control' });
    expect(verdict.checkRun).toMatchObject({ name: 'Change control', conclusion: 'success' });
  });
});
