import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Probot } from 'probot';
import type { AppDeps } from '../../src/evaluation/app-deps.js';
import { isSignedBy, jiraWebhookHandler } from '../../src/app/webhooks/jira-webhook.js';

const SECRET = 'shh';
const body = Buffer.from('{"webhookEvent":"jira:issue_updated","issue":{"key":"CHG-1"}}');
const sign = (b: Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(b).digest('hex')}`;

describe('isSignedBy', () => {
  it.each([
    { case: 'the right signature', header: sign(body), ok: true },
    { case: 'upper-case hex', header: sign(body).toUpperCase().replace('SHA256=', 'sha256='), ok: true },
    { case: 'no header', header: undefined, ok: false },
    { case: 'another secret', header: sign(body, 'other'), ok: false },
    { case: 'a sha1 signature', header: `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`, ok: false },
    { case: 'a truncated signature', header: sign(body).slice(0, -2), ok: false },
  ])('$case: $ok', ({ header, ok }) => {
    expect(isSignedBy({ body, header, secret: SECRET })).toBe(ok);
  });
});

describe('jiraWebhookHandler', () => {
  let server: Server | undefined;
  const looked: string[] = [];
  const accepted: { deliveryId: string; event: string; requests: unknown[] }[] = [];
  const seen = new Set<string>();
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    looked.length = 0;
    accepted.length = 0;
    seen.clear();
  });

  async function start(secret: string | undefined): Promise<string> {
    const log = { warn: () => undefined, info: () => undefined, error: () => undefined, child: () => log };
    const app = { log, auth: async () => Promise.reject(new Error('no GitHub in this test')) } as unknown as Probot;
    const deps = {
      tickets: { unavailable: 'not needed' },
      audit: {
        pullRequestsForTicket: async (key: string) => {
          looked.push(key);
          return key === 'CHG-2'
            ? [{ ticketKey: 'CHG-2', repo: 'acme/payments', prNumber: 7, installationId: 42, headSha: 'a'.repeat(40) }]
            : [];
        },
      },
      queue: {
        accept: async (input: { deliveryId: string; event: string; requests: unknown[] }) => {
          const duplicate = seen.has(input.deliveryId);
          seen.add(input.deliveryId);
          if (!duplicate) accepted.push({ deliveryId: input.deliveryId, event: input.event, requests: input.requests });
          return { duplicate, coalesced: 0 };
        },
      },
    } as unknown as AppDeps;
    const handler = jiraWebhookHandler({ app, deps, secret });
    server = createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('is off (503) without JIRA_WEBHOOK_SECRET, and leaves other paths alone', async () => {
    const url = await start('   ');

    const off = await fetch(`${url}/api/jira/webhooks`, { method: 'POST', body, headers: { 'x-hub-signature': sign(body) } });
    const other = await fetch(`${url}/elsewhere`);

    expect(off.status).toBe(503);
    expect(await off.text()).toContain('JIRA_WEBHOOK_SECRET is not set');
    expect(other.status).toBe(404);
    expect(looked).toEqual([]);
  });

  it('refuses a wrong signature with 401 and looks nothing up; accepts a signed issue event with 202', async () => {
    const url = await start(SECRET);

    const refused = await fetch(`${url}/api/jira/webhooks`, { method: 'POST', body, headers: { 'x-hub-signature': sign(body, 'nope') } });
    const accepted = await fetch(`${url}/api/jira/webhooks`, { method: 'POST', body, headers: { 'x-hub-signature': sign(body) } });
    const notAnIssue = Buffer.from('{"webhookEvent":"sprint_started"}');
    const ignored = await fetch(`${url}/api/jira/webhooks`, {
      method: 'POST',
      body: notAnIssue,
      headers: { 'x-hub-signature': sign(notAnIssue) },
    });

    expect(refused.status).toBe(401);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ accepted: 'CHG-1' });
    expect(ignored.status).toBe(202);
    expect(await ignored.json()).toEqual({ ignored: 'not an issue event' });
    expect(looked).toEqual(['CHG-1']);
  });

  it('queues an evaluation of each indexed PR with the Jira delivery id, once per delivery', async () => {
    const url = await start(SECRET);
    const changed = Buffer.from('{"webhookEvent":"jira:issue_updated","issue":{"key":"chg-2"}}');
    const headers = { 'x-hub-signature': sign(changed), 'x-atlassian-webhook-identifier': 'w-1' };

    const first = await fetch(`${url}/api/jira/webhooks`, { method: 'POST', body: changed, headers });
    const again = await fetch(`${url}/api/jira/webhooks`, { method: 'POST', body: changed, headers });

    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ accepted: 'CHG-2', deliveryId: 'jira-w-1', queued: 1 });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ queued: 0 });
    expect(accepted).toEqual([
      {
        deliveryId: 'jira-w-1',
        event: 'jira:issue_updated',
        requests: [
          {
            kind: 'pull',
            installationId: 42,
            owner: 'acme',
            repo: 'payments',
            number: 7,
            headSha: 'a'.repeat(40),
            deliveryIds: ['jira-w-1'],
            force: 'none',
            statusWrites: [],
          },
        ],
      },
    ]);
  });
});
