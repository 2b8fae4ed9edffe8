import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Probot } from 'probot';
import type { AppDeps } from '../../src/evaluation/app-deps.js';
import { createShutdownGate } from '../../src/app/shutdown-gate.js';
import { serviceNowWebhookHandler, SERVICENOW_WEBHOOK_PATH } from '../../src/app/webhooks/servicenow-webhook.js';

const SECRET = 'servicenow-secret-for-tests';
const NOW = new Date('2026-12-06T23:00:00.000Z');
const SYS_ID = '0123456789abcdef0123456789abcdef';
const event = (number: string, extra: Record<string, unknown> = {}) => JSON.stringify({ number, sys_id: SYS_ID, ...extra });
const sign = (body: string, ts: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('base64')}`;

describe('serviceNowWebhookHandler', () => {
  let server: Server | undefined;
  const looked: string[] = [];
  const forgotten: string[] = [];
  const accepted: { deliveryId: string; event: string; requests: unknown[] }[] = [];
  const warnings: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    for (const list of [looked, forgotten, accepted, warnings]) list.length = 0;
    seen.clear();
  });

  async function start(secret: string | undefined, gate = createShutdownGate()): Promise<string> {
    const log = {
      warn: (meta: Record<string, unknown>) => void warnings.push(meta),
      info: () => undefined,
      error: () => undefined,
      child: () => log,
    };
    const app = { log, auth: async () => Promise.reject(new Error('no GitHub in this test')) } as unknown as Probot;
    const deps = {
      now: () => NOW,
      tickets: { unavailable: 'not needed' },
      serviceNow: {
        reader: {
          provider: 'servicenow',
          lookup: async () => Promise.reject(new Error('no lookup')),
          forget: (k: string) => void forgotten.push(k),
        },
      },
      audit: {
        pullRequestsForTicket: async (key: string) => {
          looked.push(key);
          return key === 'CHG0030002'
            ? [{ repo: 'acme/payments', prNumber: 7, installationId: 42, headSha: 'a'.repeat(40), updatedAt: NOW.toISOString() }]
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
    const handler = serviceNowWebhookHandler({ app, deps, secret, gate });
    server = createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}${SERVICENOW_WEBHOOK_PATH}`;
  }

  const post = (url: string, body: string | Buffer, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const signed = (body: string, ts = String(NOW.getTime()), secret = SECRET) => ({
    'x-servicenow-timestamp': ts,
    'x-servicenow-signature': sign(body, ts, secret),
  });

  it('is off (503) without SERVICENOW_WEBHOOK_SECRET, and leaves other paths alone', async () => {
    const url = await start('  ');
    const body = event('CHG0030002');

    const off = await post(url, body, signed(body));
    const other = await fetch(url.replace(SERVICENOW_WEBHOOK_PATH, '/elsewhere'));

    expect(off.status).toBe(503);
    expect(await off.text()).toContain('SERVICENOW_WEBHOOK_SECRET is not set');
    expect(other.status).toBe(404);
    expect(looked).toEqual([]);
  });

  it('answers 405 to anything but POST, and 503 once shutdown began', async () => {
    const gate = createShutdownGate();
    const url = await start(SECRET, gate);
    const body = event('CHG0030002');

    const get = await fetch(url);
    gate.close();
    const closing = await post(url, body, signed(body));

    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(closing.status).toBe(503);
    expect(looked).toEqual([]);
  });

  it.each<{ case: string; headers: (body: string) => Record<string, string>; says: string }>([
    { case: 'unsigned', headers: () => ({}), says: 'missing X-ServiceNow-Signature' },
    {
      case: 'without a timestamp',
      headers: (b) => ({ 'x-servicenow-signature': sign(b, String(NOW.getTime())) }),
      says: 'missing X-ServiceNow-Timestamp',
    },
    { case: 'signed with another secret', headers: (b) => signed(b, String(NOW.getTime()), 'not-the-secret'), says: 'does not match' },
    { case: 'a signature of another body', headers: () => signed('{}'), says: 'does not match' },
    {
      case: 'signed 10 minutes ago (a replay)',
      headers: (b) => signed(b, String(NOW.getTime() - 600_000)),
      says: 'a replay or a wrong clock',
    },
  ])('refuses a call $case with 401, a precise reason, no body logged, and queues nothing', async ({ headers, says }) => {
    const url = await start(SECRET);
    const body = event('CHG0030002', { state: 'Scheduled', approval: 'approved' });

    const answer = await post(url, body, headers(body));

    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { error: string }).error).toContain(says);
    expect(looked).toEqual([]);
    expect(accepted).toEqual([]);
    expect(warnings).toEqual([{ path: SERVICENOW_WEBHOOK_PATH, reason: expect.stringContaining(says), size: Buffer.byteLength(body) }]);
    expect(JSON.stringify(warnings)).not.toContain('CHG0030002');
  });

  it.each([
    { case: 'not JSON', body: 'number=CHG0030002', status: 400, says: 'body is not JSON' },
    { case: 'without a sys_id', body: JSON.stringify({ number: 'CHG0030002' }), status: 400, says: 'sys_id' },
    { case: 'with a number that is no change number', body: event('CHG-2'), status: 400, says: 'number must be a change number' },
  ])('answers a signed body $case with $status and queues nothing', async ({ body, status, says }) => {
    const url = await start(SECRET);

    const answer = await post(url, body, signed(body));

    expect(answer.status).toBe(status);
    expect(((await answer.json()) as { error: string }).error).toContain(says);
    expect(looked).toEqual([]);
  });

  it('refuses a body over 64 kB with 413 before reading more of it', async () => {
    const url = await start(SECRET);
    const body = event('CHG0030002', { padding: 'x'.repeat(70 * 1024) });

    const answer = await post(url, body, signed(body));

    expect(answer.status).toBe(413);
    expect(looked).toEqual([]);
  });

  it('queues each PR of a signed change once (never its stated state), and drops the same call sent again', async () => {
    const url = await start(SECRET);
    const body = event('chg0030002', { state: '-1', approval: 'approved' });
    const headers = signed(body);

    const first = await post(url, body, headers);
    const again = await post(url, body, headers);

    expect(first.status).toBe(202);
    const answer = (await first.json()) as { accepted: string; deliveryId: string; queued: number };
    expect(answer).toEqual({ accepted: 'CHG0030002', deliveryId: expect.stringMatching(/^servicenow-[0-9a-f]{32}$/), queued: 1 });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ accepted: 'CHG0030002', deliveryId: answer.deliveryId, queued: 0 });
    expect(forgotten).toEqual(['CHG0030002', 'CHG0030002']);
    expect(accepted).toEqual([
      {
        deliveryId: answer.deliveryId,
        event: 'servicenow:change_request',
        requests: [
          {
            kind: 'pull',
            installationId: 42,
            owner: 'acme',
            repo: 'payments',
            number: 7,
            headSha: 'a'.repeat(40),
            deliveryIds: [answer.deliveryId],
            force: 'none',
            statusWrites: [],
          },
        ],
      },
    ]);
  });

  it('accepts a signed call about a change no open PR names: 202, 0 queued', async () => {
    const url = await start(SECRET);
    const body = event('CHG0039999');

    const answer = await post(url, body, signed(body));

    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ accepted: 'CHG0039999', queued: 0 });
    expect(looked).toEqual(['CHG0039999']);
    expect(accepted).toEqual([]);
  });
});
