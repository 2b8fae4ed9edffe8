import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';
import { pullRequestEvent, sign } from './harness/webhooks.js';

/**
 * The HTTP edge of the real process (docs/security.md): its log at `info` holds none of the secrets it used or was
 * sent, bodies over a route's limit are refused with 413 before they are buffered, slow senders are cut off, and
 * the process goes on evaluating afterwards.
 */

const METRICS_TOKEN = `metrics-${randomBytes(16).toString('hex')}`;
const API_TOKEN = `api-${randomBytes(24).toString('hex')}`;
const JIRA_WEBHOOK_SECRET = `jira-${randomBytes(16).toString('hex')}`;

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: {
    LOG_LEVEL: 'info',
    METRICS_TOKEN,
    DASHBOARD_API_TOKENS: API_TOKEN,
    JIRA_WEBHOOK_SECRET,
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    HTTP_REQUEST_TIMEOUT_MS: '3000',
  },
});

/** A POST whose answer is read even when the server closes the connection before the whole body is sent. */
function post(input: {
  path: string;
  headers: Record<string, string>;
  size: number;
  declareLength: boolean;
}): Promise<{ status: number | null; body: string }> {
  return new Promise((resolve) => {
    const req = request(`${e2e.app.url}${input.path}`, {
      method: 'POST',
      headers: { ...input.headers, ...(input.declareLength ? { 'content-length': String(input.size) } : {}) },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? null, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? null, body }));
    });
    // EPIPE/ECONNRESET once the server stops reading: the answer (if any) was already taken above.
    req.on('error', () => setTimeout(() => resolve({ status: null, body: '' }), 200));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < input.size) {
        const part = chunk.subarray(0, Math.min(chunk.length, input.size - sent));
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const webhookHeaders = (event: string) => ({
  'content-type': 'application/json',
  'x-github-event': event,
  'x-github-delivery': `delivery-${randomBytes(4).toString('hex')}`,
  'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
});

describe('the log holds no secret', () => {
  it('after an evaluation, authenticated requests, a session cookie and a forged delivery, at LOG_LEVEL=info', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    const { status } = await e2e.evaluate(pr);
    expect(status.state).toBe('success');

    const cookie = `cc_session=${randomBytes(24).toString('base64url')}`;
    expect((await fetch(`${e2e.app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${e2e.app.url}/api/v1/posture`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status).toBe(200);
    await fetch(`${e2e.app.url}/dashboard`, { headers: { cookie } });
    const jiraBody = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'CHG-1' } });
    const jiraSignature = `sha256=${createHmac('sha256', JIRA_WEBHOOK_SECRET).update(jiraBody).digest('hex')}`;
    const jira = await fetch(`${e2e.app.url}/api/jira/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': jiraSignature },
      body: jiraBody,
    });
    expect(jira.status).toBe(202);
    // A forged delivery whose body carries a marker: refused, and logged by size and digest only.
    const marker = `forged-body-${randomBytes(12).toString('hex')}`;
    const forgedBody = JSON.stringify({ ...pullRequestEvent(pr, 'opened'), marker });
    const forged = await fetch(`${e2e.app.url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': 'forged-1',
        'x-hub-signature-256': sign('not-the-secret', forgedBody),
      },
      body: forgedBody,
    });
    expect(forged.status).toBe(400);
    await e2e.quiet();

    const log = e2e.app.output();
    const secrets = {
      webhookSecret: e2e.app.webhookSecret,
      // One line of the key's base64 body: a PEM in a log would be JSON-escaped as a whole, never its lines.
      privateKeyLine: e2e.appPrivateKey.split('\n')[3]!,
      jiraApiToken: e2e.jira.credentials.cloud!.apiToken,
      jiraWebhookSecret: JIRA_WEBHOOK_SECRET,
      metricsToken: METRICS_TOKEN,
      apiToken: API_TOKEN,
      sessionCookie: cookie.split('=')[1]!,
      forgedBody: marker,
      forgedSignature: sign('not-the-secret', forgedBody).slice('sha256='.length),
      ...Object.fromEntries(e2e.github.issuedTokens().map((token, i) => [`installationToken${i}`, token])),
    };
    expect(e2e.github.issuedTokens().length).toBeGreaterThan(0);
    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, found: log.includes(secret) }).toEqual({ name, found: false });
    }
    // The refused delivery is in the log as what an operator can match with GitHub's delivery log.
    const refused = log.split('\n').find((line) => line.includes('"deliveryId":"forged-1"') && line.includes('signature does not match'));
    expect(refused).toBeDefined();
    expect(JSON.parse(refused!)).toMatchObject({
      event: 'pull_request',
      size: Buffer.byteLength(forgedBody),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // And the log is not empty: requests were logged at info.
    expect(log).toContain('"path":"/metrics"');
  });
});

describe('bounded input', () => {
  it.each([
    { case: 'a declared 26 MB webhook body', path: '/api/github/webhooks', size: 26 * 1024 * 1024, declareLength: true },
    { case: 'a chunked 40 MB webhook body', path: '/api/github/webhooks', size: 40 * 1024 * 1024, declareLength: false },
    { case: 'a declared 2 MB body on another route', path: '/api/jira/webhooks', size: 2 * 1024 * 1024, declareLength: true },
  ])('refuses $case with 413; the process stays up and evaluates the next delivery', async ({ path, size, declareLength }) => {
    const answer = await post({ path, headers: webhookHeaders('pull_request'), size, declareLength });

    expect(answer.status).toBe(413);
    expect(answer.body).toContain('request body too large');
    expect(e2e.app.exited()).toBe(false);
    expect((await fetch(`${e2e.app.url}/healthz`)).status).toBe(200);
    expect(e2e.github.requests()).toEqual([]);
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
  });

  it('takes a webhook body just under 25 MB to the signature check (400, not 413)', async () => {
    const answer = await post({
      path: '/api/github/webhooks',
      headers: webhookHeaders('pull_request'),
      size: 24 * 1024 * 1024,
      declareLength: true,
    });
    expect(answer.status).toBe(400);
    expect(e2e.github.requests()).toEqual([]);
  });

  it('closes a connection whose headers never finish (HTTP_HEADERS_TIMEOUT_MS)', async () => {
    const { port } = new URL(e2e.app.url);
    const socket = connect(Number(port), '127.0.0.1');
    let closed = false;
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.write('POST /api/github/webhooks HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const drip = setInterval(() => socket.write('a'), 200);
    try {
      await waitFor('the server to close the slow connection', () => closed, { timeoutMs: 15_000 });
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect((await fetch(`${e2e.app.url}/healthz`)).status).toBe(200);
  });
});
